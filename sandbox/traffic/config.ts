import { z } from "zod";
import { WECHAT_SANDBOX_DEFAULTS } from "../wechat";
import { DEFAULT_HUBSPOT_TOKEN, DEFAULT_RATE_PER_MINUTE, DEFAULT_SEED, DEFAULT_STRIPE_KEY } from "./index";

const ZWhole = (min: number, max: number) =>
  z.string().regex(/^\d+$/, "must be a whole number").transform(Number).pipe(z.number().min(min).max(max));

/**
 * Configuration of `npx tsx sandbox/traffic/main.ts`. Defaults match `npm run sandbox`: the stand-ins
 * on 12111–12114 with their demo credentials.
 */
export const ZTrafficEnv = z.object({
  TRAFFIC_SEED: ZWhole(0, 4_294_967_295).default(DEFAULT_SEED),
  TRAFFIC_RATE_PER_MINUTE: ZWhole(1, 60_000).default(DEFAULT_RATE_PER_MINUTE),
  TRAFFIC_STRIPE_URL: z.url().default("http://127.0.0.1:12111"),
  TRAFFIC_HUBSPOT_URL: z.url().default("http://127.0.0.1:12112"),
  TRAFFIC_WECHAT_URL: z.url().default("http://127.0.0.1:12113"),
  TRAFFIC_OPENAPPLY_URL: z.url().default("http://127.0.0.1:12114"),
  /** Only needed when the stand-ins pin a key or token (SANDBOX_HUBSPOT_ACCESS_TOKEN). */
  TRAFFIC_STRIPE_KEY: z
    .string()
    .regex(/^(sk|rk)_test_[A-Za-z0-9]{8,}$/, "must be a Stripe test key (sk_test_ and 8+ letters or digits)")
    .default(DEFAULT_STRIPE_KEY),
  TRAFFIC_HUBSPOT_TOKEN: z.string().min(1).default(DEFAULT_HUBSPOT_TOKEN),
  TRAFFIC_WECHAT_APP_ID: z.string().min(1).default(WECHAT_SANDBOX_DEFAULTS.appId),
  TRAFFIC_WECHAT_APP_SECRET: z.string().min(1).default(WECHAT_SANDBOX_DEFAULTS.appSecret),
});

export type TTrafficEnv = z.infer<typeof ZTrafficEnv>;
