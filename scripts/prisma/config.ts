/**
 * Environment read by the project's Prisma entry (cli.ts) and by the offline schema-engine bridge.
 * Both run outside the app, so they declare their own schemas and parse them with lib/env's parseEnv.
 */
import { z } from "zod";

/** `1|true|yes` on, `0|false|no` off; unset means "decide automatically". */
const ZTriState = z
  .enum(["1", "true", "yes", "0", "false", "no"])
  .transform((v) => v === "1" || v === "true" || v === "yes")
  .optional();

export const ZPrismaCliEnv = z.object({
  /** Forces the offline path (`1`) or the stock engine (`0`); unset = offline only when no engine binary is on disk. */
  PRISMA_OFFLINE: ZTriState,
  /** Prisma's own override; when the caller already points it somewhere, we leave the choice to them. */
  PRISMA_SCHEMA_ENGINE_BINARY: z.string().optional(),
  /** A reachable engines mirror means the stock CLI can still download its binary. */
  PRISMA_ENGINES_MIRROR: z.string().optional(),
});
export type TPrismaCliEnv = z.infer<typeof ZPrismaCliEnv>;

export const ZEngineBridgeEnv = z.object({
  /**
   * The Prisma CLI starts engines with `RUST_LOG=info` unless set; we honour its leading level for the
   * log lines we forward from the WebAssembly engine (filters like `info,quaint=debug` keep their head).
   */
  RUST_LOG: z
    .string()
    .default("info")
    .transform((v) => v.split(",")[0]?.split("=").pop()?.trim().toLowerCase() ?? "info")
    .pipe(z.enum(["trace", "debug", "info", "warn", "error", "off"]).catch("info")),
});
export type TEngineBridgeEnv = z.infer<typeof ZEngineBridgeEnv>;
