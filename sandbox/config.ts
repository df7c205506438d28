import { z } from "zod";

/** Numbers from the environment; a plain regex first so a typo reads "must be a whole number". */
const ZWhole = (min: number, max: number) =>
  z.string().regex(/^\d+$/, "must be a whole number").transform(Number).pipe(z.number().min(min).max(max));
const ZPort = ZWhole(0, 65_535);

/** A target URL, or `off` for none (deliveries are then recorded as skipped). */
const ZTargetUrl = (fallback: string) =>
  z
    .union([z.literal("off"), z.url()])
    .default(fallback)
    .transform((v) => (v === "off" ? null : v));

/**
 * Configuration of `npm run sandbox` (sandbox/main.ts). Defaults match the app's demo setup: the
 * stand-ins on 12111–12114 and webhooks aimed at the app on :3000.
 */
export const ZSandboxEnv = z.object({
  SANDBOX_HOST: z.string().default("127.0.0.1"),
  SANDBOX_STRIPE_PORT: ZPort.default(12111),
  SANDBOX_HUBSPOT_PORT: ZPort.default(12112),
  SANDBOX_WECHAT_PORT: ZPort.default(12113),
  SANDBOX_OPENAPPLY_PORT: ZPort.default(12114),
  SANDBOX_STRIPE_WEBHOOK_URL: ZTargetUrl("http://127.0.0.1:3000/api/webhooks/stripe"),
  /** Signs Stripe webhooks; the app's STRIPE_WEBHOOK_SECRET must be the same (a demo value, not a credential). */
  SANDBOX_STRIPE_WEBHOOK_SECRET: z
    .string()
    .startsWith("whsec_")
    .default("whsec_revbridgesandboxdemo000000000000000"),
  SANDBOX_HUBSPOT_WEBHOOK_URL: ZTargetUrl("http://127.0.0.1:3000/api/webhooks/hubspot"),
  /** Signs HubSpot webhooks; the app's HUBSPOT_CLIENT_SECRET must be the same. */
  SANDBOX_HUBSPOT_CLIENT_SECRET: z.string().min(1).default("sandbox-hubspot-client-secret"),
  /** Pins the one HubSpot token accepted; unset accepts any well-formed bearer token. */
  SANDBOX_HUBSPOT_ACCESS_TOKEN: z.string().min(1).optional(),
  SANDBOX_WECHAT_CALLBACK_URL: ZTargetUrl("http://127.0.0.1:3000/api/wechat"),
  /** OpenApply documents 1 request per second; raise it for load runs. */
  SANDBOX_OPENAPPLY_PER_SECOND: ZWhole(1, 100_000).default(1),
  /** Multiplies webhook retry delays (1 = the providers' real schedules; 0.001 squeezes a day into ~90 s). */
  SANDBOX_WEBHOOK_TIME_SCALE: z
    .string()
    .regex(/^\d*\.?\d+$/, "must be a positive number such as 1 or 0.001")
    .transform(Number)
    .pipe(z.number().positive().max(10))
    .default(1),
});

export type TSandboxEnv = z.infer<typeof ZSandboxEnv>;
