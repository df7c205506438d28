import "server-only";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { errorResponse } from "@/lib/api/respond";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/logger";
import { callbackResponse, handleWechatCallback, type TReplyOptions } from "./callback";
import type { TWechatCallbackConfig } from "./config";

/**
 * An in-process HTTP server around the very function app/api/wechat/route.ts serves (handleWechatCallback,
 * with publicRoute's error mapping: AppError → its status and JSON body, logged as `api.refused`), with an
 * explicit configuration. For integration tests and the benchmark, so the sandbox phone can call a real
 * URL without a Next.js build. (publicRoute itself is not imported: lib/api/route pulls in next-auth and
 * next/navigation, which do not load outside Next.js.)
 */
export type TCallbackHarness = { url: string; close: () => Promise<void> };

async function toRequest(req: IncomingMessage, base: string): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (typeof v === "string") headers.set(k, v);
    else if (Array.isArray(v)) for (const item of v) headers.append(k, item);
  }
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(new URL(req.url ?? "/", base), {
    method: req.method,
    headers,
    ...(hasBody ? { body: Buffer.concat(chunks) } : {}),
  });
}

export async function startCallbackHarness(
  config: TWechatCallbackConfig,
  /**
   * Called with the server's time per request (ms), for the benchmark: from the `request` event (headers
   * parsed) to the reply's `finish`, so it includes the request's waits on this event loop, not only the
   * handler's synchronous slices.
   */
  onServerTime?: (ms: number, req: IncomingMessage) => void,
  replyOptions: TReplyOptions = {},
): Promise<TCallbackHarness> {
  const handle = async (request: Request): Promise<Response> => {
    try {
      return callbackResponse(await handleWechatCallback(request, config, replyOptions));
    } catch (error) {
      if (error instanceof AppError) {
        log.warn("api.refused", { path: "/api/wechat", code: error.code, message: error.message });
      } else log.error("api.unhandled", { path: "/api/wechat", error });
      return errorResponse(error);
    }
  };
  let base = "http://127.0.0.1";
  const server: Server = createServer((req, res) => {
    // From the moment node:http hands us the parsed headers until the reply has been handed to the
    // socket: reading the body, every wait on this event loop behind other requests, the handler, writing.
    const started = performance.now();
    if (onServerTime) res.once("finish", () => onServerTime(performance.now() - started, req));
    void (async () => {
      try {
        const request = await toRequest(req, base);
        const response = await handle(request);
        res.writeHead(response.status, Object.fromEntries(response.headers));
        res.end(Buffer.from(await response.arrayBuffer()));
      } catch {
        res.writeHead(500).end();
      }
    })();
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  base = `http://127.0.0.1:${port}`;
  return {
    url: `${base}/api/wechat`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
