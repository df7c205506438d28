/**
 * The demo's companions, started in the demo process: the four provider stand-ins on their documented
 * ports and the local Inngest runner on :8288 (or the official dev server, when one already listens
 * there). Returns the environment the console needs to talk to them.
 */
import { PortInUseError, startRunner, type TRunner } from "@/sandbox/inngest/runner";
import { startAllSandboxes } from "@/sandbox/start-all";
import { startTraffic, type TTraffic } from "@/sandbox/traffic";
import { WECHAT_SANDBOX_DEFAULTS } from "@/sandbox/wechat";

export interface TDemoServices {
  /** Variables for the console process: provider credentials and base URLs, Inngest dev URL. */
  appEnv: Record<string, string>;
  afterAppStarted: () => Promise<void>;
  stop: () => Promise<void>;
}

/** Demo-only values shared by the stand-ins and the console; they unlock nothing outside the sandbox. */
const DEMO = {
  hubspotToken: "pat-demo-revbridge-sandbox",
  hubspotClientSecret: "sandbox-hubspot-client-secret",
  stripeKey: "sk_test_RevBridgeDemo2026",
  stripeWebhookSecret: "whsec_revbridgesandboxdemo000000000000000",
  openapplyToken: "openapply-demo-token",
};

export const RUNNER_PORT = 8288;

async function startOrReuseRunner(
  databaseUrl: string,
  appUrl: string,
  log: (l: string) => void,
): Promise<TRunner | null> {
  try {
    const runner = await startRunner({
      databaseUrl,
      port: RUNNER_PORT,
      appUrls: [`${appUrl}/api/inngest`],
      logLevel: "warn",
    });
    log(`Local Inngest runner on ${runner.url}`);
    return runner;
  } catch (error) {
    if (!(error instanceof PortInUseError)) throw error;
    log(
      `Port ${RUNNER_PORT} is in use — an Inngest dev server or runner is already running there; using it.`,
    );
    return null;
  }
}

export async function startDemoServices(opts: {
  databaseUrl: string;
  appUrl: string;
  traffic: boolean;
  log: (line: string) => void;
}): Promise<TDemoServices> {
  const sandboxes = await startAllSandboxes({
    ports: { stripe: 12111, hubspot: 12112, wechat: 12113, openapply: 12114 },
    stripe: { webhookUrl: `${opts.appUrl}/api/webhooks/stripe`, webhookSecret: DEMO.stripeWebhookSecret },
    hubspot: {
      webhookUrl: `${opts.appUrl}/api/webhooks/hubspot`,
      settings: { clientSecret: DEMO.hubspotClientSecret, accessToken: null },
    },
    wechat: { callbackUrl: `${opts.appUrl}/api/wechat` },
    openapply: { perSecond: 20 },
  });
  opts.log(
    `Sandboxes: Stripe ${sandboxes.urls.stripe}, HubSpot ${sandboxes.urls.hubspot}, WeChat ${sandboxes.urls.wechat}, OpenApply ${sandboxes.urls.openapply}`,
  );
  let runner: TRunner | null = null;
  try {
    runner = await startOrReuseRunner(opts.databaseUrl, opts.appUrl, opts.log);
  } catch (error) {
    await sandboxes.close();
    throw error;
  }
  let traffic: TTraffic | null = null;

  return {
    appEnv: {
      INNGEST_DEV: `http://127.0.0.1:${RUNNER_PORT}`,
      HUBSPOT_ACCESS_TOKEN: DEMO.hubspotToken,
      HUBSPOT_CLIENT_SECRET: DEMO.hubspotClientSecret,
      HUBSPOT_API_BASE: sandboxes.urls.hubspot,
      STRIPE_SECRET_KEY: DEMO.stripeKey,
      STRIPE_WEBHOOK_SECRET: DEMO.stripeWebhookSecret,
      STRIPE_API_BASE: sandboxes.urls.stripe,
      WECHAT_APP_ID: WECHAT_SANDBOX_DEFAULTS.appId,
      WECHAT_APP_SECRET: WECHAT_SANDBOX_DEFAULTS.appSecret,
      WECHAT_TOKEN: WECHAT_SANDBOX_DEFAULTS.token,
      WECHAT_ENCODING_AES_KEY: WECHAT_SANDBOX_DEFAULTS.encodingAesKey,
      WECHAT_API_BASE: sandboxes.urls.wechat,
      OPENAPPLY_API_TOKEN: DEMO.openapplyToken,
      OPENAPPLY_API_BASE: sandboxes.urls.openapply,
    },
    afterAppStarted: async () => {
      await runner?.ready;
      // Traffic starts once the console answers, so WeChat's first callbacks do not meet a cold server.
      if (opts.traffic) {
        traffic = startTraffic({
          sandboxes,
          log: opts.log,
          stripeKey: DEMO.stripeKey,
          hubspotToken: DEMO.hubspotToken,
        });
        opts.log(
          "Demo traffic: simulated follows, forms, applications and purchases (--no-traffic to turn off).",
        );
      }
    },
    stop: async () => {
      await traffic?.stop();
      await runner?.close();
      await sandboxes.close();
    },
  };
}
