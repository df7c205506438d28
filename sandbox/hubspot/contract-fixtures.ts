import { Client } from "@hubspot/api-client";
import { startHubspotSandbox, type THubspotSandbox, type THubspotSandboxOptions } from "./index";

/** Shared by the HubSpot contract tests: a stand-in on a free port and the official SDK pointed at it. */
export async function startContractSandbox(options: THubspotSandboxOptions = {}) {
  const sandbox: THubspotSandbox = await startHubspotSandbox({ log: () => {}, ...options });
  const client = (accessToken = "pat-na1-11111111-2222-3333-4444-555555555555") =>
    new Client({ accessToken, basePath: sandbox.url });
  async function control<T = Record<string, unknown>>(method: string, path: string, body?: unknown) {
    const res = await fetch(sandbox.url + path, {
      method,
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as T };
  }
  return { sandbox, hs: client(), client, control };
}

/** The JSON HubSpot answers errors with (CRM category errors and rate-limit errors alike). */
export interface THubspotErrorJson {
  status: string;
  message: string;
  correlationId: string;
  category?: string;
  subCategory?: string;
  errorType?: string;
  policyName?: string;
  groupName?: string;
  context?: Record<string, string[]>;
}

export interface TApiError {
  code: number;
  body: THubspotErrorJson;
  headers: Record<string, string>;
}

/** The SDK throws ApiException with the HTTP status as `code` and the parsed body as `body`. */
export function asApiError(error: unknown): TApiError {
  const e = error as { code?: unknown; body?: unknown; headers?: Record<string, string> };
  if (typeof e.code !== "number") throw error;
  return { code: e.code, body: e.body as THubspotErrorJson, headers: e.headers ?? {} };
}

export async function apiError(promise: Promise<unknown>): Promise<TApiError> {
  try {
    await promise;
  } catch (error) {
    return asApiError(error);
  }
  throw new Error("expected the call to fail");
}
