/**
 * `npx tsx sandbox/traffic/main.ts`: demo traffic against stand-ins that are already running
 * (`npm run sandbox`), configured by TRAFFIC_* variables (config.ts). Ctrl-C stops it after the step
 * in progress and prints what it did.
 */
import { pathToFileURL } from "node:url";
import { ConfigError, parseEnv } from "@/lib/env";
import { ZTrafficEnv } from "./config";
import { startTraffic } from "./index";

function main(): void {
  const env = parseEnv(ZTrafficEnv);
  const traffic = startTraffic({
    sandboxes: {
      urls: {
        stripe: env.TRAFFIC_STRIPE_URL,
        hubspot: env.TRAFFIC_HUBSPOT_URL,
        wechat: env.TRAFFIC_WECHAT_URL,
        openapply: env.TRAFFIC_OPENAPPLY_URL,
      },
      wechat: { account: { appId: env.TRAFFIC_WECHAT_APP_ID, appSecret: env.TRAFFIC_WECHAT_APP_SECRET } },
    },
    seed: env.TRAFFIC_SEED,
    ratePerMinute: env.TRAFFIC_RATE_PER_MINUTE,
    stripeKey: env.TRAFFIC_STRIPE_KEY,
    hubspotToken: env.TRAFFIC_HUBSPOT_TOKEN,
    log: (line) => console.log(line),
  });

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`traffic: ${signal}, stopping after the current step`);
    traffic.stop().then(
      () => {
        const s = traffic.stats();
        console.log(
          `traffic: ${s.steps} steps (${s.ok} ok, ${s.failed} failed, ${s.skipped} skipped), ${s.people} people`,
        );
        process.exit(s.failed > 0 && s.ok === 0 ? 1 : 0);
      },
      () => process.exit(1),
    );
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

const runDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (runDirectly) {
  try {
    main();
  } catch (error) {
    console.error(
      error instanceof ConfigError ? error.message : `traffic: failed to start: ${(error as Error).message}`,
    );
    process.exit(1);
  }
}
