import "server-only";
import { randomUUID } from "node:crypto";
import { parseJsonText, readBodyBytes } from "@/lib/api/body";
import { AppError } from "@/lib/errors";
import { MAX_EVENTS_PER_REQUEST, parseEvent, type TParsedEvent } from "@/lib/events/catalogue";
import { handOffOutbox, sendWithInngest } from "@/lib/events/hand-off";
import { insertOutboxRows } from "@/lib/events/outbox-insert";
import { readEventsMode, type TEventsMode } from "@/lib/events/settings";
import type { TSendEvents } from "@/lib/inbox/hand-off";
import { log } from "@/lib/logger";

/**
 * `POST /api/v1/events`: body → events → outbox. Bodies over 1 MiB are refused before parsing
 * (100 events of ~10 KB each fit). A single event object that is invalid is a 400; in a batch
 * (an array, or `{ "events": [...] }`) each event gets its own result in a 202.
 */
export const EVENTS_BODY_LIMIT_BYTES = 1024 * 1024;

export type TEventResult =
  | { id: string; status: "accepted" | "duplicate" }
  | { id: string | null; index: number; status: "invalid"; errors: Record<string, string> };

export interface TIngestAnswer {
  mode: Exclude<TEventsMode, "disabled">;
  accepted: number;
  duplicates: number;
  invalid: number;
  results: TEventResult[];
}

const SHAPE_HELP = `Send one event object, an array of 1–${MAX_EVENTS_PER_REQUEST} events, or { "events": [ … ] }.`;

/** Reads the body and says which of the three shapes it is. */
export async function readEventsBody(request: Request): Promise<{ batch: boolean; items: unknown[] }> {
  const bytes = await readBodyBytes(request, EVENTS_BODY_LIMIT_BYTES);
  if (bytes.byteLength === 0) throw new AppError("bad_request", `The body is empty. ${SHAPE_HELP}`);
  const raw = parseJsonText(new TextDecoder().decode(bytes), SHAPE_HELP);
  let items: unknown[];
  let batch = true;
  if (Array.isArray(raw)) items = raw;
  else if (raw && typeof raw === "object" && Array.isArray((raw as { events?: unknown }).events)) {
    items = (raw as { events: unknown[] }).events;
  } else if (raw && typeof raw === "object" && "type" in raw) {
    items = [raw];
    batch = false;
  } else {
    throw new AppError("bad_request", `The body is not an event or a batch of events. ${SHAPE_HELP}`);
  }
  if (items.length === 0) throw new AppError("bad_request", `The batch is empty. ${SHAPE_HELP}`);
  if (items.length > MAX_EVENTS_PER_REQUEST) {
    throw new AppError(
      "bad_request",
      `The batch has ${items.length} events; the limit is ${MAX_EVENTS_PER_REQUEST} per request. Split it.`,
    );
  }
  return { batch, items };
}

export interface TIngestOptions {
  send?: TSendEvents;
  /**
   * Runs the hand-off after the answer is sent (the route passes Next's `after`): the rows are
   * committed before the 202, so the app does not wait on Inngest. When `defer` is absent or
   * refuses (outside a Next request, e.g. tests), the hand-off runs before answering.
   */
  defer?: (task: () => Promise<unknown>) => void;
}

/**
 * Validates, then writes the valid events in one `INSERT … ON CONFLICT ("eventId") DO NOTHING
 * RETURNING` (lib/events/outbox-insert.ts) — the statement that decides accepted vs duplicate is
 * the one that stores the row, so two concurrent requests with the same id cannot both be told `accepted`.
 */
export async function ingestEvents(
  request: Request,
  apiKeyId: string | null,
  options: TIngestOptions = {},
): Promise<{ status: number; body: TIngestAnswer }> {
  const send = options.send ?? sendWithInngest;
  const mode = await readEventsMode();
  if (mode === "disabled") {
    throw new AppError(
      "unavailable",
      "Lifecycle events are disabled in this environment; nothing was stored. An ADMIN can switch them to dry run or live in the console (Events).",
    );
  }
  const { batch, items } = await readEventsBody(request);
  const parsed = items.map((raw) => parseEvent(raw));
  if (!batch && parsed[0] && !parsed[0].ok) {
    throw new AppError("bad_request", "The event is invalid.", parsed[0].errors);
  }

  // First occurrence of an id in the request wins; later ones are duplicates of it.
  const seen = new Set<string>();
  const toInsert: (TParsedEvent & { rowId: string })[] = [];
  for (const p of parsed) {
    if (p.ok && !seen.has(p.event.id)) {
      seen.add(p.event.id);
      toInsert.push({ ...p.event, rowId: randomUUID() });
    }
  }
  const inserted = await insertOutboxRows(toInsert, apiKeyId, mode);
  const acceptedIds = new Set(inserted.map((r) => r.eventId));

  const results: TEventResult[] = [];
  const claimed = new Set<string>();
  parsed.forEach((p, index) => {
    if (!p.ok) {
      results.push({ id: p.id ?? null, index, status: "invalid", errors: p.errors });
    } else if (acceptedIds.has(p.event.id) && !claimed.has(p.event.id)) {
      claimed.add(p.event.id);
      results.push({ id: p.event.id, status: "accepted" });
    } else {
      results.push({ id: p.event.id, status: "duplicate" });
    }
  });
  const rowIds = inserted.map((r) => r.id);
  const handOff = () => handOffOutbox(rowIds, send);
  let deferred = false;
  if (options.defer && rowIds.length > 0) {
    try {
      options.defer(handOff);
      deferred = true;
    } catch {
      deferred = false;
    }
  }
  if (!deferred) await handOff();
  const count = (s: TEventResult["status"]) => results.filter((r) => r.status === s).length;
  const body: TIngestAnswer = {
    mode,
    accepted: count("accepted"),
    duplicates: count("duplicate"),
    invalid: count("invalid"),
    results,
  };
  log.info("events.ingested", {
    keyId: apiKeyId,
    mode,
    accepted: body.accepted,
    duplicates: body.duplicates,
    invalid: body.invalid,
  });
  return { status: 202, body };
}
