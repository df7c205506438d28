import { z } from "zod";
import { parseCronSpec, type TCronSpec } from "./cron";
import { requireTimeString } from "./durations";
import { compileExpression, type TCompiledExpression } from "./expressions";

/**
 * `POST /fn/register` (SDK spec 4.3.2): the app's functions with their triggers and flow control.
 * Validated strictly enough that a malformed config is rejected with a clear 400 at sync time,
 * leniently enough that fields we do not act on (priority, timeouts, singleton) are accepted.
 */
const ZTrigger = z.union([
  z.object({ event: z.string().min(1), expression: z.string().nullish() }),
  z.object({ cron: z.string().min(1), jitter: z.string().nullish() }),
]);

const ZConcurrencyOption = z.object({
  limit: z.number().int().min(0),
  key: z.string().nullish(),
  scope: z.enum(["fn", "env", "account"]).nullish(),
});

const ZFunctionConfig = z.object({
  id: z.string().min(1),
  name: z.string().nullish(),
  triggers: z.array(ZTrigger).default([]),
  steps: z
    .record(
      z.string(),
      z.object({
        id: z.string().optional(),
        name: z.string().optional(),
        runtime: z.object({ type: z.string().optional(), url: z.url() }),
        retries: z.object({ attempts: z.number().int().min(0).max(100).nullish() }).nullish(),
      }),
    )
    .refine((steps) => Object.keys(steps).length > 0, "must declare the step runtime URL"),
  idempotency: z.string().nullish(),
  batchEvents: z
    .object({
      maxSize: z.number().int().min(1),
      timeout: z.string(),
      key: z.string().nullish(),
      if: z.string().nullish(),
    })
    .nullish(),
  rateLimit: z
    .object({ limit: z.number().int().min(1), period: z.string(), key: z.string().nullish() })
    .nullish(),
  throttle: z
    .object({
      limit: z.number().int().min(1),
      period: z.string(),
      burst: z.number().int().min(0).nullish(),
      key: z.string().nullish(),
    })
    .nullish(),
  debounce: z
    .object({ period: z.string(), timeout: z.string().nullish(), key: z.string().nullish() })
    .nullish(),
  cancel: z
    .array(z.object({ event: z.string().min(1), if: z.string().nullish(), timeout: z.string().nullish() }))
    .nullish(),
  concurrency: z
    .union([z.number().int().min(0), ZConcurrencyOption, z.array(ZConcurrencyOption).max(2)])
    .nullish(),
});

export const ZRegisterBody = z.object({
  url: z.url(),
  appName: z.string().min(1),
  deployType: z.string().optional(),
  sdk: z.string().optional(),
  framework: z.string().optional(),
  v: z.string().optional(),
  functions: z.array(z.unknown()),
});

export type TRegisterBody = z.infer<typeof ZRegisterBody>;

export type TTrigger =
  | { kind: "event"; event: string; pattern?: RegExp; expr?: TCompiledExpression }
  | { kind: "cron"; cron: TCronSpec };

export interface TConcurrencyRule {
  limit: number;
  key?: TCompiledExpression;
  scope: "fn" | "env" | "account";
}

/** A registered function, compiled for fast matching and flow-control decisions. */
export interface TFunctionDef {
  id: string;
  appId: string;
  name: string;
  url: string;
  maxAttempts: number;
  triggers: TTrigger[];
  batch?: { maxSize: number; timeoutMs: number; key?: TCompiledExpression; if?: TCompiledExpression };
  debounce?: { periodMs: number; timeoutMs?: number; key?: TCompiledExpression };
  throttle?: { limit: number; periodMs: number; burst: number; key?: TCompiledExpression };
  rateLimit?: { limit: number; periodMs: number; key?: TCompiledExpression };
  idempotency?: TCompiledExpression;
  concurrency: TConcurrencyRule[];
  cancel: Array<{ event: string; expr?: TCompiledExpression; timeoutMs?: number }>;
  /** The config exactly as the SDK sent it, for GET /v1/functions and /dev. */
  raw: unknown;
}

const EVENT_ROOTS = ["event"] as const;
const MATCH_ROOTS = ["event", "async"] as const;

function describeZodIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
}

function wildcardPattern(event: string): RegExp | undefined {
  if (!event.includes("*")) return undefined;
  const escaped = event.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${escaped.join(".*")}$`);
}

function optionalExpr(
  source: string | null | undefined,
  roots: readonly string[],
): TCompiledExpression | undefined {
  return source ? compileExpression(source, roots) : undefined;
}

/** Validates and compiles one function config; throws an Error whose message names the function and field. */
export function compileFunction(appId: string, raw: unknown): TFunctionDef {
  const parsed = ZFunctionConfig.safeParse(raw);
  const rawId = typeof raw === "object" && raw !== null && "id" in raw ? String(raw.id) : "(no id)";
  if (!parsed.success) throw new Error(`function "${rawId}": ${describeZodIssues(parsed.error)}`);
  const cfg = parsed.data;
  const at = (field: string, fn: () => unknown) => {
    try {
      return fn();
    } catch (err) {
      throw new Error(`function "${cfg.id}" ${field}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  const step = Object.values(cfg.steps)[0];
  if (!step) throw new Error(`function "${cfg.id}": must declare the step runtime URL`);
  const retries = step.retries?.attempts ?? 3;

  const triggers = cfg.triggers.map((t, i): TTrigger => {
    if ("cron" in t)
      return { kind: "cron", cron: at(`triggers[${i}].cron`, () => parseCronSpec(t.cron)) as TCronSpec };
    return {
      kind: "event",
      event: t.event,
      pattern: wildcardPattern(t.event),
      expr: at(`triggers[${i}].expression`, () => optionalExpr(t.expression, EVENT_ROOTS)) as
        TCompiledExpression | undefined,
    };
  });

  const ms = (field: string, v: string) => at(field, () => requireTimeString(v, field)) as number;
  const expr = (field: string, v: string | null | undefined, roots: readonly string[] = EVENT_ROOTS) =>
    at(field, () => optionalExpr(v, roots)) as TCompiledExpression | undefined;

  const concurrencyRaw =
    cfg.concurrency === null || cfg.concurrency === undefined
      ? []
      : typeof cfg.concurrency === "number"
        ? [{ limit: cfg.concurrency }]
        : Array.isArray(cfg.concurrency)
          ? cfg.concurrency
          : [cfg.concurrency];

  return {
    id: cfg.id,
    appId,
    name: cfg.name ?? cfg.id,
    url: step.runtime.url,
    maxAttempts: retries + 1,
    triggers,
    batch: cfg.batchEvents
      ? {
          maxSize: cfg.batchEvents.maxSize,
          timeoutMs: ms("batchEvents.timeout", cfg.batchEvents.timeout),
          key: expr("batchEvents.key", cfg.batchEvents.key),
          if: expr("batchEvents.if", cfg.batchEvents.if),
        }
      : undefined,
    debounce: cfg.debounce
      ? {
          periodMs: ms("debounce.period", cfg.debounce.period),
          timeoutMs: cfg.debounce.timeout ? ms("debounce.timeout", cfg.debounce.timeout) : undefined,
          key: expr("debounce.key", cfg.debounce.key),
        }
      : undefined,
    throttle: cfg.throttle
      ? {
          limit: cfg.throttle.limit,
          periodMs: ms("throttle.period", cfg.throttle.period),
          burst: cfg.throttle.burst ?? 0,
          key: expr("throttle.key", cfg.throttle.key),
        }
      : undefined,
    rateLimit: cfg.rateLimit
      ? {
          limit: cfg.rateLimit.limit,
          periodMs: ms("rateLimit.period", cfg.rateLimit.period),
          key: expr("rateLimit.key", cfg.rateLimit.key),
        }
      : undefined,
    idempotency: expr("idempotency", cfg.idempotency),
    concurrency: concurrencyRaw
      .filter((c) => c.limit > 0)
      .map((c, i) => ({
        limit: c.limit,
        key: expr(`concurrency[${i}].key`, "key" in c ? c.key : undefined),
        scope: ("scope" in c && c.scope) || "fn",
      })),
    cancel: (cfg.cancel ?? []).map((c, i) => ({
      event: c.event,
      expr: expr(`cancel[${i}].if`, c.if, MATCH_ROOTS),
      timeoutMs: c.timeout ? ms(`cancel[${i}].timeout`, c.timeout) : undefined,
    })),
    raw,
  };
}

/** Expression roots for `waitForEvent` conditions (`event` = the run's trigger, `async` = the candidate). */
export function compileMatchExpression(source: string): TCompiledExpression {
  return compileExpression(source, MATCH_ROOTS);
}

/** In-memory view of the registered functions, rebuilt on every sync and on start. */
export class FunctionRegistry {
  private readonly byId = new Map<string, TFunctionDef>();
  private byEvent = new Map<string, TFunctionDef[]>();
  private wildcards: TFunctionDef[] = [];
  private cancellers = new Map<string, TFunctionDef[]>();

  get(id: string): TFunctionDef | undefined {
    return this.byId.get(id);
  }

  all(): TFunctionDef[] {
    return [...this.byId.values()];
  }

  /** Replaces every function of `appId` with `defs`. */
  replaceApp(appId: string, defs: TFunctionDef[]): void {
    for (const [id, def] of this.byId) if (def.appId === appId) this.byId.delete(id);
    for (const def of defs) this.byId.set(def.id, def);
    this.reindex();
  }

  /** Functions whose event triggers match `name`, with the trigger that matched. */
  matchEvent(name: string): Array<{ fn: TFunctionDef; trigger: Extract<TTrigger, { kind: "event" }> }> {
    const out: Array<{ fn: TFunctionDef; trigger: Extract<TTrigger, { kind: "event" }> }> = [];
    const candidates = [...(this.byEvent.get(name) ?? []), ...this.wildcards];
    const seen = new Set<string>();
    for (const fn of candidates) {
      if (seen.has(fn.id)) continue;
      for (const trigger of fn.triggers) {
        if (trigger.kind !== "event") continue;
        const hit = trigger.pattern ? trigger.pattern.test(name) : trigger.event === name;
        if (hit) {
          out.push({ fn, trigger });
          seen.add(fn.id);
          break;
        }
      }
    }
    return out;
  }

  /** Functions with a `cancelOn` rule for this event name. */
  cancellersOf(name: string): TFunctionDef[] {
    return this.cancellers.get(name) ?? [];
  }

  private reindex(): void {
    this.byEvent = new Map();
    this.wildcards = [];
    this.cancellers = new Map();
    for (const fn of this.byId.values()) {
      for (const t of fn.triggers) {
        if (t.kind !== "event") continue;
        if (t.pattern) this.wildcards.push(fn);
        else this.byEvent.set(t.event, [...(this.byEvent.get(t.event) ?? []), fn]);
      }
      for (const c of fn.cancel) this.cancellers.set(c.event, [...(this.cancellers.get(c.event) ?? []), fn]);
    }
  }
}

export function describeRegisterError(error: z.ZodError): string {
  return describeZodIssues(error);
}
