import "server-only";
import { db } from "@/lib/db";
import type { TEventsMode } from "@/lib/events/settings";
import type { TParsedEvent } from "@/lib/events/catalogue";

/**
 * Stores a request's valid events in ONE statement: `INSERT … SELECT FROM unnest(…) ON CONFLICT
 * ("eventId") DO NOTHING RETURNING`. The statement that stores a row is the one that decides
 * accepted vs duplicate, so two concurrent requests with the same id cannot both be told
 * `accepted`. Raw SQL because Prisma's `createManyAndReturn` spent most of the request's CPU
 * building a 100-row, 1,000-parameter query (bench `events-ingest`); here it is 9 array parameters.
 *
 * Timestamps are written as UTC wall-clock text into `timestamp(3)` columns, exactly as Prisma
 * stores `DateTime` (and `receivedAt` is passed, not left to `CURRENT_TIMESTAMP`, which would
 * follow the session's time zone).
 */
export async function insertOutboxRows(
  rows: (TParsedEvent & { rowId: string })[],
  apiKeyId: string | null,
  mode: Exclude<TEventsMode, "disabled">,
): Promise<{ id: string; eventId: string }[]> {
  if (rows.length === 0) return [];
  const utc = (d: Date) => d.toISOString().replace("Z", "");
  return db().$queryRaw<{ id: string; eventId: string }[]>`
    INSERT INTO "OutboxEvent"
      ("id", "eventId", "type", "occurredAt", "email", "externalId", "properties", "apiKeyId", "mode", "receivedAt")
    SELECT r.id, r.event_id, r.type, r.occurred_at::timestamp(3), r.email, r.external_id, r.properties::jsonb,
           ${apiKeyId}, ${mode}, ${utc(new Date())}::timestamp(3)
    FROM unnest(
      ${rows.map((r) => r.rowId)}::text[],
      ${rows.map((r) => r.id)}::text[],
      ${rows.map((r) => r.type)}::text[],
      ${rows.map((r) => utc(r.occurredAt))}::text[],
      ${rows.map((r) => r.email ?? null)}::text[],
      ${rows.map((r) => r.externalId ?? null)}::text[],
      ${rows.map((r) => JSON.stringify(r.properties))}::text[]
    ) AS r(id, event_id, type, occurred_at, email, external_id, properties)
    ON CONFLICT ("eventId") DO NOTHING
    RETURNING "id", "eventId"`;
}
