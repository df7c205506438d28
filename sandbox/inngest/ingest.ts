import type pg from "pg";
import type { TAcceptedEvent, TEvent, TIngestOptions, TRunnerContext } from "./context";
import { json } from "./db";
import { evaluateKey } from "./expressions";
import { addToBatches, type TBatchItem } from "./flow-control/batch";
import { applyCancellations } from "./flow-control/cancel";
import { upsertDebounces, type TDebounceItem } from "./flow-control/debounce";
import { newUlid, seededEventId } from "./ids";
import { createRuns, type TRunSpec } from "./runs";
import { resolveWaits } from "./waits";

/**
 * Event intake (`POST /e/:key`, `step.sendEvent`, lifecycle events): validate, dedupe by event id for
 * 24 h, store, then fan out — new runs, batches, debounces, `waitForEvent` matches and `cancelOn` — all
 * in the caller's transaction, so an event is either fully accepted or not at all.
 */

export class EventValidationError extends Error {
  override name = "EventValidationError";
}

const DEDUPE_WINDOW_MS = 86_400_000;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Turns a request body (one event or an array) into accepted events, or throws EventValidationError. */
export function normalizeEvents(body: unknown, seed: string | undefined, nowMs: number): TAcceptedEvent[] {
  const list = Array.isArray(body) ? body : [body];
  return list.map((raw, index) => {
    const where = Array.isArray(body) ? `event[${index}]` : "event";
    if (!isRecord(raw)) throw new EventValidationError(`${where} must be a JSON object`);
    if (typeof raw.name !== "string" || raw.name.trim() === "")
      throw new EventValidationError(`${where}.name must be a non-empty string`);
    if (raw.data !== undefined && raw.data !== null && !isRecord(raw.data))
      throw new EventValidationError(`${where}.data must be an object`);
    if (raw.id !== undefined && raw.id !== null && (typeof raw.id !== "string" || raw.id === "")) {
      throw new EventValidationError(`${where}.id must be a non-empty string`);
    }
    if (raw.ts !== undefined && raw.ts !== null && (typeof raw.ts !== "number" || !Number.isFinite(raw.ts))) {
      throw new EventValidationError(`${where}.ts must be milliseconds since the epoch`);
    }
    if (raw.user !== undefined && raw.user !== null && !isRecord(raw.user))
      throw new EventValidationError(`${where}.user must be an object`);
    const internalId = seededEventId(seed, index) ?? newUlid(nowMs);
    const event: TEvent = {
      id: typeof raw.id === "string" ? raw.id : internalId,
      name: raw.name,
      data: isRecord(raw.data) ? raw.data : {},
      ts: typeof raw.ts === "number" && raw.ts > 0 ? raw.ts : nowMs,
    };
    if (isRecord(raw.user)) event.user = raw.user;
    if (typeof raw.v === "string") event.v = raw.v;
    return { internalId, event };
  });
}

/** Stores events; returns which are fresh (first sighting of their id in 24 h). */
async function storeEvents(tx: pg.PoolClient, events: TAcceptedEvent[], nowMs: number): Promise<boolean[]> {
  const firstIndex = new Map<string, number>();
  events.forEach((e, i) => {
    if (!firstIndex.has(e.event.id)) firstIndex.set(e.event.id, i);
  });
  const fresh = await tx.query<{ id: string }>(
    `INSERT INTO event_ids (id, expires_at) SELECT unnest($1::text[]), $2
     ON CONFLICT (id) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE event_ids.expires_at < $3
     RETURNING id`,
    [[...firstIndex.keys()], new Date(nowMs + DEDUPE_WINDOW_MS), new Date(nowMs)],
  );
  const freshIds = new Set(fresh.rows.map((r) => r.id));
  const isFresh = events.map((e, i) => freshIds.has(e.event.id) && firstIndex.get(e.event.id) === i);
  // Internal ids may repeat when the SDK retries a send with the same seed; the retry is a duplicate.
  await tx.query(
    `INSERT INTO events (internal_id, id, name, payload, received_at, duplicate)
     SELECT internal_id, id, name, payload, received_at, duplicate
     FROM jsonb_to_recordset($1::jsonb) AS x(internal_id text, id text, name text, payload jsonb, received_at timestamptz, duplicate boolean)
     ON CONFLICT (internal_id) DO NOTHING`,
    [
      json(
        events.map((e, i) => ({
          internal_id: e.internalId,
          id: e.event.id,
          name: e.event.name,
          payload: e.event,
          received_at: new Date(nowMs).toISOString(),
          duplicate: !isFresh[i],
        })),
      ),
    ],
  );
  return isFresh;
}

/** A lifecycle event about function F must not trigger F itself (no feedback loops). */
function isOwnLifecycleEvent(event: TEvent, fnId: string): boolean {
  return event.name.startsWith("inngest/function.") && event.data.function_id === fnId;
}

export async function ingestEvents(
  ctx: TRunnerContext,
  tx: pg.PoolClient,
  events: TAcceptedEvent[],
  options: TIngestOptions = {},
): Promise<void> {
  if (events.length === 0) return;
  const nowMs = ctx.clock.now();
  const isFresh = await storeEvents(tx, events, nowMs);
  const fresh = events.filter((_, i) => isFresh[i]).map((e) => e.event);
  const duplicates = events.length - fresh.length;
  if (duplicates > 0)
    ctx.log.info("event.duplicate", {
      count: duplicates,
      first: events.find((_, i) => !isFresh[i])?.event.id,
    });
  if (fresh.length === 0) return;

  // Inngest semantics: an event triggers only functions registered when it arrives. Before any app has
  // synced, every event is stored and starts nothing — say so, that is how hand-offs get lost at start.
  if (ctx.registry.all().length === 0)
    ctx.log.warn("event.no_functions", { count: fresh.length, first: fresh[0]?.id });

  const specs: TRunSpec[] = [];
  const batchItems: TBatchItem[] = [];
  const debounceItems: TDebounceItem[] = [];
  for (const event of fresh) {
    const targets = options.onlyFunctionId
      ? [ctx.registry.get(options.onlyFunctionId)]
          .filter((f) => f !== undefined)
          .map((fn) => ({ fn, expr: undefined }))
      : ctx.registry.matchEvent(event.name).map((m) => ({ fn: m.fn, expr: m.trigger.expr }));
    for (const { fn, expr } of targets) {
      if (isOwnLifecycleEvent(event, fn.id)) continue;
      if (expr && !expr.matches({ event })) continue;
      if (fn.batch && (!fn.batch.if || fn.batch.if.matches({ event }))) {
        batchItems.push({ fn, key: evaluateKey(fn.batch.key, { event }), event });
      } else if (fn.debounce) {
        debounceItems.push({ fn, key: evaluateKey(fn.debounce.key, { event }), event });
      } else {
        specs.push({ fn, events: [event], trigger: options.onlyFunctionId ? "cron" : "event" });
      }
    }
  }
  await createRuns(ctx, tx, specs);
  await addToBatches(ctx, tx, batchItems);
  await upsertDebounces(ctx, tx, debounceItems);
  if (!options.onlyFunctionId) {
    await resolveWaits(ctx, tx, fresh);
    await applyCancellations(ctx, tx, fresh, nowMs);
  }
}
