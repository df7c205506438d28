import "server-only";
import { env, type TAppEnv } from "@/lib/env";

export type TConnectorState = "connected" | "not_connected" | "sandbox";

export interface TConnectorStatus {
  provider: "HUBSPOT" | "STRIPE" | "WECHAT" | "OPENAPPLY";
  label: string;
  state: TConnectorState;
  /** What a person should know or do, e.g. which variable is missing. */
  detail: string;
  apiBase: string | null;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

function isLoopback(url: string | undefined): boolean {
  if (!url) return false;
  try {
    return LOOPBACK.has(new URL(url).hostname);
  } catch {
    return false;
  }
}

/** A provider is "sandbox" when its API base is on this machine, "connected" when its credentials are set. */
function classify(
  provider: TConnectorStatus["provider"],
  label: string,
  missing: string[],
  apiBase: string | undefined,
): TConnectorStatus {
  if (missing.length > 0) {
    return {
      provider,
      label,
      state: "not_connected",
      detail: `Set ${missing.join(", ")}`,
      apiBase: apiBase ?? null,
    };
  }
  if (isLoopback(apiBase)) {
    return {
      provider,
      label,
      state: "sandbox",
      detail: "Talking to the local sandbox stand-in",
      apiBase: apiBase ?? null,
    };
  }
  return { provider, label, state: "connected", detail: "Credentials configured", apiBase: apiBase ?? null };
}

function missingOf(e: TAppEnv, names: (keyof TAppEnv)[]): string[] {
  return names.filter((n) => !e[n]);
}

export function connectorStatuses(e: TAppEnv = env()): TConnectorStatus[] {
  return [
    classify(
      "HUBSPOT",
      "HubSpot",
      missingOf(e, ["HUBSPOT_ACCESS_TOKEN", "HUBSPOT_CLIENT_SECRET"]),
      e.HUBSPOT_API_BASE,
    ),
    classify(
      "STRIPE",
      "Stripe",
      missingOf(e, ["STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"]),
      e.STRIPE_API_BASE,
    ),
    classify(
      "WECHAT",
      "WeChat",
      missingOf(e, ["WECHAT_APP_ID", "WECHAT_APP_SECRET", "WECHAT_TOKEN"]),
      e.WECHAT_API_BASE,
    ),
    classify(
      "OPENAPPLY",
      "OpenApply",
      missingOf(e, ["OPENAPPLY_API_TOKEN", "OPENAPPLY_API_BASE"]),
      e.OPENAPPLY_API_BASE,
    ),
  ];
}
