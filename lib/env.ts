/**
 * The one module that reads `process.env` (lint enforces it). Every variable is validated with zod;
 * a missing or malformed one fails fast with one line naming it.
 *
 * Two entry points:
 * - `env()` — the web app's and Inngest functions' configuration, parsed once and cached.
 * - `parseEnv(schema)` — for other processes (sandbox, local Inngest runner, scripts, bench) that
 *   declare their own schema next to their code, so this file does not grow a section per tool.
 */
import { z } from "zod";

/** Raised when configuration is missing or invalid; entry points print `message` alone and exit 1. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

const ZBool = z
  .enum(["true", "false", "1", "0", "yes", "no", ""])
  .transform((v) => v === "true" || v === "1" || v === "yes");

const ZPostgresUrl = z.string().refine((v) => /^postgres(ql)?:\/\/[^\s]+$/.test(v) && URL.canParse(v), {
  message: "must be a postgresql:// URL, e.g. postgresql://user:pass@127.0.0.1:5432/revbridge",
});

const ZOptionalUrl = z.url().optional();

/** For processes that only need the database, which may be unset (then an embedded one starts). */
export const ZDatabaseEnv = z.object({ DATABASE_URL: ZPostgresUrl.optional() });

/**
 * Connections per process (lib/db.ts), read on their own so that scripts and tests pointed at a
 * database need nothing else. Pools open connections only as statements need them.
 */
export const ZDatabasePoolEnv = z.object({
  /** The shared pool. 10 (pg's default) saturated under a 10,000-contact sync burst (BENCHMARKS.md). */
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(25),
  /** The realtime lane's own pool (lib/lane.ts), so a few urgent statements never queue behind a burst. */
  DATABASE_REALTIME_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(5),
});

export const ZAppEnv = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
    /** `true` turns on demo mode: credentials login with seeded users, sandbox connectors. */
    DEMO_MODE: ZBool.default(false),
    DATABASE_URL: ZPostgresUrl,
    /** Public base URL of the console, used in links and OAuth callbacks. */
    APP_URL: z.url().default("http://localhost:3000"),
    NEXTAUTH_URL: ZOptionalUrl,
    NEXTAUTH_SECRET: z.string().min(32, "must be at least 32 characters (openssl rand -base64 32)"),
    /** Comma-separated email domains allowed to sign in with OIDC, e.g. `school.edu,school.cn`. */
    AUTH_ALLOWED_DOMAINS: z.string().default(""),
    GOOGLE_CLIENT_ID: z.string().optional(),
    GOOGLE_CLIENT_SECRET: z.string().optional(),
    AZURE_AD_CLIENT_ID: z.string().optional(),
    AZURE_AD_CLIENT_SECRET: z.string().optional(),
    AZURE_AD_TENANT_ID: z.string().optional(),
    /** Inngest: Cloud in production (keys), the dev server or the local runner elsewhere (INNGEST_DEV). */
    INNGEST_DEV: z.string().optional(),
    INNGEST_BASE_URL: ZOptionalUrl,
    INNGEST_EVENT_KEY: z.string().optional(),
    INNGEST_SIGNING_KEY: z.string().optional(),
    /** Providers: a provider without credentials is "not connected"; a `*_API_BASE` pointing at a sandbox marks it "sandbox". */
    HUBSPOT_ACCESS_TOKEN: z.string().optional(),
    HUBSPOT_CLIENT_SECRET: z.string().optional(),
    /** The HubSpot app id: webhooks with `changeSource: INTEGRATION` and this `sourceId` are our own writes (echoes). */
    HUBSPOT_APP_ID: z.string().optional(),
    HUBSPOT_API_BASE: z.url().default("https://api.hubapi.com"),
    STRIPE_SECRET_KEY: z.string().optional(),
    STRIPE_WEBHOOK_SECRET: z.string().optional(),
    STRIPE_API_BASE: z.url().default("https://api.stripe.com"),
    WECHAT_APP_ID: z.string().optional(),
    WECHAT_APP_SECRET: z.string().optional(),
    WECHAT_TOKEN: z.string().optional(),
    WECHAT_ENCODING_AES_KEY: z.string().length(43, "must be the 43-character EncodingAESKey").optional(),
    WECHAT_API_BASE: z.url().default("https://api.weixin.qq.com"),
    OPENAPPLY_API_TOKEN: z.string().optional(),
    OPENAPPLY_API_BASE: ZOptionalUrl,
    LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
    /** CSV import: country used to read phone numbers written without +country code (ISO 3166 alpha-2). */
    IMPORT_DEFAULT_COUNTRY: z
      .string()
      .regex(/^[A-Z]{2}$/, "must be a two-letter country code such as CN or US")
      .default("CN"),
  })
  .superRefine((e, ctx) => {
    if (e.NODE_ENV === "production" && !e.DEMO_MODE && !e.INNGEST_DEV && !e.INNGEST_SIGNING_KEY) {
      ctx.addIssue({
        code: "custom",
        path: ["INNGEST_SIGNING_KEY"],
        message: "is required in production unless INNGEST_DEV points at a dev server or local runner",
      });
    }
  });

export type TAppEnv = z.infer<typeof ZAppEnv>;

/** Empty strings in a .env file mean "unset", as most tools treat them. */
function withoutBlanks(source: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(source)) if (v !== undefined && v !== "") out[k] = v;
  return out;
}

/** Formats the first problem as one actionable line: `Invalid configuration: NAME must ...`. */
export function describeEnvError(error: z.ZodError, source: Readonly<Record<string, string>> = {}): string {
  const lines = error.issues.map((issue) => {
    const name = issue.path.join(".") || "(environment)";
    // Judge "missing" by the source, not the issue: coercions (z.coerce.number) drop the raw input.
    const missing = issue.code === "invalid_type" && !(String(issue.path[0]) in source);
    return missing ? `${name} is required but not set` : `${name} ${issue.message}`;
  });
  return `Invalid configuration: ${lines.join("; ")}. See .env.example and the README's configuration table.`;
}

export function parseEnv<T extends z.ZodType>(
  schema: T,
  source: Readonly<Record<string, string | undefined>> = process.env,
): z.infer<T> {
  const present = withoutBlanks(source);
  const result = schema.safeParse(present);
  if (!result.success) throw new ConfigError(describeEnvError(result.error, present));
  return result.data;
}

let cached: TAppEnv | undefined;

/** The app's configuration. Throws ConfigError on first use when something is wrong. */
export function env(): TAppEnv {
  cached ??= parseEnv(ZAppEnv);
  return cached;
}

/** For tests that change configuration between cases. */
export function resetEnvCacheForTests(): void {
  cached = undefined;
}

/**
 * The environment a child process (the Next server started by `npm run demo`, a benchmark's app)
 * should get: ours plus overrides. Kept here so the environment is read in one place.
 */
export function childProcessEnv(overrides: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...process.env, ...overrides })) if (v !== undefined) out[k] = v;
  return out as NodeJS.ProcessEnv;
}
