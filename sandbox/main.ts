/**
 * `npm run sandbox`: the Stripe, HubSpot, WeChat and OpenApply stand-ins in one process, configured
 * by SANDBOX_* variables (sandbox/config.ts). Ctrl-C closes them all.
 */
import { pathToFileURL } from "node:url";
import { ConfigError, parseEnv } from "@/lib/env";
import { ZSandboxEnv } from "./config";
import { startAllSandboxes, type TAllSandboxes } from "./start-all";

export { startAllSandboxes, type TAllSandboxes, type TAllSandboxesOptions } from "./start-all";

async function main(): Promise<void> {
  const env = parseEnv(ZSandboxEnv);
  const knobs = { timeScale: env.SANDBOX_WEBHOOK_TIME_SCALE };
  const all: TAllSandboxes = await startAllSandboxes({
    host: env.SANDBOX_HOST,
    ports: {
      stripe: env.SANDBOX_STRIPE_PORT,
      hubspot: env.SANDBOX_HUBSPOT_PORT,
      wechat: env.SANDBOX_WECHAT_PORT,
      openapply: env.SANDBOX_OPENAPPLY_PORT,
    },
    stripe: {
      webhookUrl: env.SANDBOX_STRIPE_WEBHOOK_URL,
      webhookSecret: env.SANDBOX_STRIPE_WEBHOOK_SECRET,
      webhookKnobs: knobs,
    },
    hubspot: {
      webhookUrl: env.SANDBOX_HUBSPOT_WEBHOOK_URL,
      webhookKnobs: knobs,
      settings: {
        clientSecret: env.SANDBOX_HUBSPOT_CLIENT_SECRET,
        accessToken: env.SANDBOX_HUBSPOT_ACCESS_TOKEN ?? null,
      },
    },
    wechat: env.SANDBOX_WECHAT_CALLBACK_URL ? { callbackUrl: env.SANDBOX_WECHAT_CALLBACK_URL } : {},
    openapply: { perSecond: env.SANDBOX_OPENAPPLY_PER_SECOND },
  });

  console.log(`sandbox: stripe    ${all.urls.stripe}  → webhooks ${env.SANDBOX_STRIPE_WEBHOOK_URL ?? "off"}`);
  console.log(
    `sandbox: hubspot   ${all.urls.hubspot}  → webhooks ${env.SANDBOX_HUBSPOT_WEBHOOK_URL ?? "off"}`,
  );
  console.log(
    `sandbox: wechat    ${all.urls.wechat}  → callback ${env.SANDBOX_WECHAT_CALLBACK_URL ?? "off"}`,
  );
  console.log(`sandbox: openapply ${all.urls.openapply}`);

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`sandbox: ${signal}, closing`);
    all.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

const runDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (runDirectly) {
  main().catch((error: unknown) => {
    console.error(
      error instanceof ConfigError ? error.message : `sandbox: failed to start: ${(error as Error).message}`,
    );
    process.exit(1);
  });
}
