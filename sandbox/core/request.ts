import type { IncomingMessage } from "node:http";
import { XMLParser } from "fast-xml-parser";
import { BodyParseError, type TStandInRequest, type TStandInResponse } from "./http-types";

/** Larger than any provider accepts (HubSpot batch of 100 with many properties stays well under). */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;

export class BodyTooLargeError extends Error {
  override name = "BodyTooLargeError";
}

export async function readRawBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limit) throw new BodyTooLargeError(`body over ${limit} bytes`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}

const xmlParser = new XMLParser({ parseTagValue: false, ignoreAttributes: true, trimValues: true });

let requestSequence = 0;

export function buildRequest(input: {
  req: IncomingMessage;
  url: URL;
  rawBody: Buffer;
  route: string;
  params: Record<string, string>;
}): TStandInRequest {
  const { req, url, rawBody } = input;
  let textCache: string | undefined;
  const text = () => (textCache ??= rawBody.toString("utf8"));
  return {
    id: `req_${Date.now().toString(36)}_${(++requestSequence).toString(36)}`,
    method: (req.method ?? "GET").toUpperCase(),
    path: url.pathname,
    url,
    query: url.searchParams,
    params: input.params,
    headers: req.headers,
    route: input.route,
    receivedAt: Date.now(),
    rawBody,
    locals: new Map(),
    header(name: string) {
      const v = req.headers[name.toLowerCase()];
      return Array.isArray(v) ? v[0] : v;
    },
    text,
    json<T>() {
      const t = text();
      if (t.trim() === "") return undefined as T;
      try {
        return JSON.parse(t) as T;
      } catch (error) {
        throw new BodyParseError(`Invalid JSON: ${(error as Error).message}`);
      }
    },
    form() {
      return new URLSearchParams(text());
    },
    xml() {
      const t = text();
      try {
        const parsed: unknown = xmlParser.parse(t, true);
        if (parsed && typeof parsed === "object") return parsed as Record<string, unknown>;
      } catch (error) {
        throw new BodyParseError(`Invalid XML: ${(error as Error).message}`);
      }
      throw new BodyParseError("Invalid XML: no root element");
    },
  };
}

/** Serialises a handler's answer: objects as JSON, strings as text, Buffers as bytes. */
export function encodeResponse(res: TStandInResponse): { headers: Record<string, string>; payload: Buffer } {
  const headers: Record<string, string> = {};
  let payload: Buffer;
  const body = res.body;
  if (body === undefined) {
    payload = Buffer.alloc(0);
  } else if (Buffer.isBuffer(body)) {
    payload = body;
    headers["content-type"] = "application/octet-stream";
  } else if (typeof body === "string") {
    payload = Buffer.from(body, "utf8");
    headers["content-type"] = "text/plain;charset=utf-8";
  } else {
    payload = Buffer.from(JSON.stringify(body), "utf8");
    headers["content-type"] = "application/json;charset=utf-8";
  }
  if (res.contentType && payload.length > 0) headers["content-type"] = res.contentType;
  for (const [k, v] of Object.entries(res.headers ?? {})) headers[k.toLowerCase()] = v;
  headers["content-length"] = String(payload.length);
  return { headers, payload };
}
