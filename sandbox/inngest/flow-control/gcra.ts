import { json, type TQueryable } from "../db";

/**
 * Throttle and rate limit, both with the generic cell rate algorithm Inngest documents
 * (https://www.inngest.com/docs/guides/throttling): the period is split into `limit` windows of
 * `period / limit`; `limit + burst` runs may start at once, then one per window.
 *
 * - throttle: every run is admitted, at the earliest time its slot allows (FIFO per key, none dropped);
 * - rate limit: a run over the limit is skipped (the event is ignored for this function).
 *
 * The theoretical arrival time (TAT) per key lives in Postgres and is updated in the caller's
 * transaction, so a slot is taken exactly once even across restarts.
 */
export interface TGcraRequest {
  kind: "throttle" | "rate";
  functionId: string;
  key: string;
  limit: number;
  burst: number;
  /** Already scaled by the runner's time compression. */
  periodMs: number;
}

/** Returns, per request in order, the start time (ms) for throttle, or `null` when a rate limit drops it. */
export async function takeGcraSlots(
  tx: TQueryable,
  requests: TGcraRequest[],
  nowMs: number,
): Promise<Array<number | null>> {
  if (requests.length === 0) return [];
  const ids = [...new Map(requests.map((r) => [`${r.kind}\u0000${r.functionId}\u0000${r.key}`, r])).values()];
  // Insert-then-lock so concurrent transactions on the same key serialise on the row.
  await tx.query(
    `INSERT INTO gcra (kind, function_id, key, tat)
     SELECT kind, function_id, key, to_timestamp(0) FROM jsonb_to_recordset($1::jsonb) AS x(kind text, function_id text, key text)
     ON CONFLICT DO NOTHING`,
    [json(ids.map((r) => ({ kind: r.kind, function_id: r.functionId, key: r.key })))],
  );
  const locked = await tx.query<{ kind: string; function_id: string; key: string; tat: Date }>(
    `SELECT g.kind, g.function_id, g.key, g.tat FROM gcra g
     JOIN jsonb_to_recordset($1::jsonb) AS x(kind text, function_id text, key text)
       ON g.kind = x.kind AND g.function_id = x.function_id AND g.key = x.key
     ORDER BY g.kind, g.function_id, g.key
     FOR UPDATE OF g`,
    [json(ids.map((r) => ({ kind: r.kind, function_id: r.functionId, key: r.key })))],
  );
  const tats = new Map<string, number>();
  for (const row of locked.rows)
    tats.set(`${row.kind}\u0000${row.function_id}\u0000${row.key}`, row.tat.getTime());

  const results: Array<number | null> = [];
  for (const r of requests) {
    const id = `${r.kind}\u0000${r.functionId}\u0000${r.key}`;
    const interval = r.periodMs / r.limit;
    const capacity = r.kind === "throttle" ? r.limit + r.burst : r.limit;
    const tolerance = (capacity - 1) * interval;
    const tat = Math.max(tats.get(id) ?? 0, nowMs);
    const earliest = tat - tolerance;
    if (r.kind === "rate" && earliest > nowMs) {
      results.push(null);
      continue;
    }
    tats.set(id, tat + interval);
    results.push(Math.max(nowMs, earliest));
  }
  await tx.query(
    `UPDATE gcra g SET tat = x.tat FROM jsonb_to_recordset($1::jsonb) AS x(kind text, function_id text, key text, tat timestamptz)
     WHERE g.kind = x.kind AND g.function_id = x.function_id AND g.key = x.key`,
    [
      json(
        ids.map((r) => ({
          kind: r.kind,
          function_id: r.functionId,
          key: r.key,
          tat: new Date(tats.get(`${r.kind}\u0000${r.functionId}\u0000${r.key}`) ?? nowMs).toISOString(),
        })),
      ),
    ],
  );
  return results;
}
