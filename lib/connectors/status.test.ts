import { describe, expect, it } from "vitest";
import { ZAppEnv } from "@/lib/env";
import { connectorStatuses } from "./status";

const base = {
  DATABASE_URL: "postgresql://u@127.0.0.1:5432/db",
  NEXTAUTH_SECRET: "x".repeat(32),
};

describe("connector status", () => {
  it("is not_connected and names the missing variables when credentials are absent", () => {
    const [hubspot] = connectorStatuses(ZAppEnv.parse(base));
    expect(hubspot).toMatchObject({
      state: "not_connected",
      detail: "Set HUBSPOT_ACCESS_TOKEN, HUBSPOT_CLIENT_SECRET",
    });
  });

  it("is sandbox when the API base is on loopback, connected otherwise", () => {
    const e = ZAppEnv.parse({
      ...base,
      STRIPE_SECRET_KEY: "sk_test_1",
      STRIPE_WEBHOOK_SECRET: "whsec_1",
      STRIPE_API_BASE: "http://127.0.0.1:12111",
      HUBSPOT_ACCESS_TOKEN: "pat-1",
      HUBSPOT_CLIENT_SECRET: "s",
    });
    const byProvider = Object.fromEntries(connectorStatuses(e).map((s) => [s.provider, s.state]));
    expect(byProvider).toEqual({
      HUBSPOT: "connected",
      STRIPE: "sandbox",
      WECHAT: "not_connected",
      OPENAPPLY: "not_connected",
    });
  });
});
