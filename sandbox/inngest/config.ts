import { z } from "zod";
import { parseEnv } from "@/lib/env";

/**
 * The local runner's configuration (RUNNER_* variables). Read once by main.ts; tests, the demo and
 * benchmarks pass the same options to `startRunner` directly.
 */
const ZPostgresUrl = z.string().refine((v) => /^postgres(ql)?:\/\/\S+$/.test(v) && URL.canParse(v), {
  message: "must be a postgresql:// URL, e.g. postgresql://postgres@127.0.0.1:5432/revbridge",
});

export const ZRunnerEnv = z
  .object({
    RUNNER_HOST: z.string().default("127.0.0.1"),
    RUNNER_PORT: z.coerce.number().int().min(0).max(65535).default(8288),
    RUNNER_DATABASE_URL: ZPostgresUrl.optional(),
    DATABASE_URL: ZPostgresUrl.optional(),
    /** Comma-separated serve URLs to sync on start, e.g. http://127.0.0.1:3000/api/inngest. */
    RUNNER_APP_URLS: z
      .string()
      .default("")
      .transform((v) =>
        v
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.url())),
    /** Divides every wait (sleeps, timeouts, backoff, flow-control periods); 1 = real time. */
    RUNNER_TIME_COMPRESSION: z.coerce.number().min(1).default(1),
    /** How many SDK calls may be in flight at once across all functions. */
    RUNNER_MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(1000).default(32),
    RUNNER_REQUEST_TIMEOUT_SECONDS: z.coerce.number().int().min(1).default(300),
    /** When set, calls carry `X-Inngest-Signature` so apps in cloud mode (signing key set) accept them. */
    RUNNER_SIGNING_KEY: z.string().optional(),
    RUNNER_LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  })
  .transform((e, ctx) => {
    const databaseUrl = e.RUNNER_DATABASE_URL ?? e.DATABASE_URL;
    if (!databaseUrl) {
      ctx.addIssue({ code: "custom", path: ["RUNNER_DATABASE_URL"], message: "or DATABASE_URL is required" });
      return z.NEVER;
    }
    return {
      host: e.RUNNER_HOST,
      port: e.RUNNER_PORT,
      databaseUrl,
      appUrls: e.RUNNER_APP_URLS,
      timeCompression: e.RUNNER_TIME_COMPRESSION,
      maxInFlight: e.RUNNER_MAX_IN_FLIGHT,
      requestTimeoutMs: e.RUNNER_REQUEST_TIMEOUT_SECONDS * 1000,
      signingKey: e.RUNNER_SIGNING_KEY,
      logLevel: e.RUNNER_LOG_LEVEL,
    };
  });

export type TRunnerEnv = z.infer<typeof ZRunnerEnv>;

export function readRunnerEnv(): TRunnerEnv {
  return parseEnv(ZRunnerEnv);
}
