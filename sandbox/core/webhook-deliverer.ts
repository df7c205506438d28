import { EventEmitter } from "node:events";
import { Agent as HttpAgent, request as httpRequest } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import { z } from "zod";
import { createSeededRandom } from "./faults";

/**
 * Outgoing webhooks as the real providers send them: a queue, retries with backoff, and knobs that
 * reproduce what receivers must survive — duplicates, out-of-order arrival, delays, a receiver outage.
 * Each provider supplies the body (rendered per attempt: HubSpot puts `attemptNumber` in it) and a
 * signer that turns the exact bytes into headers.
 */
export interface TSignInput {
  method: "POST";
  url: string;
  body: string;
  attempt: number;
  /** Milliseconds since the epoch, the moment of this attempt. */
  timestamp: number;
}

export type TWebhookSigner = (input: TSignInput) => Record<string, string>;

export const ZWebhookKnobs = z
  .object({
    /** Where deliveries go; null holds nothing and records them as `skipped`. */
    targetUrl: z.url().nullable().default(null),
    /** Extra delay before the first attempt. */
    delayMs: z.number().int().min(0).max(3_600_000).default(0),
    /** Probability that a delivery is also sent a second, independent time. */
    duplicateRate: z.number().min(0).max(1).default(0),
    /** Every delivery is sent this many times in all, independently (chaos: "each webhook three times"). */
    copies: z.number().int().min(1).max(5).default(1),
    /** Each delivery waits an extra uniform [0, reorderJitterMs) so concurrent ones arrive shuffled. */
    reorderJitterMs: z.number().int().min(0).max(600_000).default(0),
    /** Multiplies retry backoffs: 1 is real time; 1/86_400 compresses a day into a second. */
    timeScale: z.number().positive().max(10).default(1),
    /** Holds deliveries (as the provider's queue would during an outage of ours) until false again. */
    paused: z.boolean().default(false),
    seed: z.number().int().optional(),
  })
  .strict();

export type TWebhookKnobs = z.infer<typeof ZWebhookKnobs>;
export type TWebhookKnobsInput = z.input<typeof ZWebhookKnobs>;

export interface TAttemptRecord {
  attemptNumber: number;
  url: string;
  startedAt: string;
  durationMs: number;
  status?: number;
  error?: string;
  /** The receiver's answer, cut to 300 characters. */
  responseBody?: string;
}

export type TDeliveryState = "scheduled" | "in_flight" | "delivered" | "failed" | "skipped";

export interface TDeliveryRecord {
  id: string;
  label: string;
  /** Provider event ids carried by this delivery, for matching against the receiver's inbox. */
  eventIds: string[];
  duplicateOf?: string;
  state: TDeliveryState;
  createdAt: string;
  nextAttemptAt?: string;
  attempts: TAttemptRecord[];
}

export interface TEnqueueInput {
  label: string;
  eventIds?: string[];
  /** The body for attempt n (1-based). */
  render: (attempt: number) => string;
  contentType?: string;
}

export interface TDelivererOptions {
  name: string;
  sign: TWebhookSigner;
  /** Delay before attempt n+1 after attempt n failed (n is 1-based); its length bounds the attempts. */
  retryDelaysMs: readonly number[];
  /** Whether a receiver status is worth another try; default: any non-2xx. */
  shouldRetry?: (status: number) => boolean;
  requestTimeoutMs?: number;
  knobs?: TWebhookKnobsInput;
  /** Most recent deliveries kept for inspection. */
  keep?: number;
  log?: (line: string) => void;
}

export function createWebhookDeliverer(options: TDelivererOptions) {
  const keep = options.keep ?? 5_000;
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  const shouldRetry = options.shouldRetry ?? ((s: number) => s < 200 || s >= 300);
  const log = options.log ?? ((line: string) => console.warn(line));
  const events = new EventEmitter();
  const timers = new Set<NodeJS.Timeout>();
  let knobs = ZWebhookKnobs.parse(options.knobs ?? {});
  let random = knobs.seed === undefined ? Math.random : createSeededRandom(knobs.seed);
  // Insertion-ordered, by id: a burst of 10,000 deliveries scanned an array on every find and trim,
  // and that made the sandbox's own process the slowest reader of the requests it rate-limits.
  const records = new Map<string, TDeliveryRecord>();
  const renders = new Map<string, TEnqueueInput>();
  const held: string[] = [];
  const inFlight = new Set<string>();
  let sequence = 0;
  let closed = false;

  function configure(input: unknown): TWebhookKnobs {
    const wasPaused = knobs.paused;
    knobs = ZWebhookKnobs.parse({ ...knobs, ...(input as object) });
    random = knobs.seed === undefined ? Math.random : createSeededRandom(knobs.seed);
    if (wasPaused && !knobs.paused) for (const id of held.splice(0)) schedule(id, 0);
    return { ...knobs };
  }

  function enqueue(input: TEnqueueInput): string {
    const id = addRecord(input);
    for (let copy = 1; copy < knobs.copies; copy++) addRecord(input, id);
    if (knobs.duplicateRate > 0 && random() < knobs.duplicateRate) addRecord(input, id);
    return id;
  }

  function addRecord(input: TEnqueueInput, duplicateOf?: string): string {
    const id = `${options.name}-wh-${++sequence}`;
    const record: TDeliveryRecord = {
      id,
      label: input.label,
      eventIds: input.eventIds ?? [],
      duplicateOf,
      state: knobs.targetUrl ? "scheduled" : "skipped",
      createdAt: new Date().toISOString(),
      attempts: [],
    };
    records.set(id, record);
    if (records.size > keep) forgetOldest();
    if (record.state === "scheduled") {
      renders.set(id, input);
      const jitter = knobs.reorderJitterMs > 0 ? Math.floor(random() * knobs.reorderJitterMs) : 0;
      schedule(id, knobs.delayMs + jitter);
    }
    events.emit("change");
    return id;
  }

  function isSettled(r: TDeliveryRecord): boolean {
    return r.state === "delivered" || r.state === "failed" || r.state === "skipped";
  }

  /**
   * Forgets the oldest settled deliveries down to 90 % of `keep`, so the scan runs once per tenth of
   * `keep` new deliveries, not on each. Only settled ones go: one still scheduled or held (an outage)
   * must still go out.
   */
  function forgetOldest(): void {
    const target = Math.floor(keep * 0.9);
    for (const [id, r] of records) {
      if (records.size <= target) break;
      if (!isSettled(r)) continue;
      records.delete(id);
      renders.delete(id);
    }
  }

  function find(id: string): TDeliveryRecord | undefined {
    return records.get(id);
  }

  const list = (): TDeliveryRecord[] => [...records.values()];

  function schedule(id: string, delayMs: number): void {
    const record = find(id);
    if (!record || closed) return;
    record.state = "scheduled";
    record.nextAttemptAt = new Date(Date.now() + delayMs).toISOString();
    const timer = setTimeout(() => {
      timers.delete(timer);
      void attempt(id);
    }, delayMs);
    timer.unref();
    timers.add(timer);
  }

  async function attempt(id: string): Promise<void> {
    const record = find(id);
    const input = renders.get(id);
    if (!record || !input || closed) return settle();
    if (knobs.paused) {
      held.push(id);
      return settle();
    }
    const url = knobs.targetUrl;
    if (!url) {
      record.state = "skipped";
      return finish(id);
    }
    inFlight.add(id);
    record.state = "in_flight";
    record.nextAttemptAt = undefined;
    const attemptNumber = record.attempts.length + 1;
    const body = input.render(attemptNumber);
    const startedAt = Date.now();
    const entry: TAttemptRecord = {
      attemptNumber,
      url,
      startedAt: new Date(startedAt).toISOString(),
      durationMs: 0,
    };
    record.attempts.push(entry);
    try {
      const headers = options.sign({
        method: "POST",
        url,
        body,
        attempt: attemptNumber,
        timestamp: startedAt,
      });
      const res = await post(
        url,
        { "content-type": input.contentType ?? "application/json", ...headers },
        body,
        requestTimeoutMs,
      );
      entry.status = res.status;
      entry.responseBody = res.body.slice(0, 300);
    } catch (error) {
      entry.error = describePostError(error);
    }
    entry.durationMs = Date.now() - startedAt;
    inFlight.delete(id);
    if (closed) return settle();
    const ok = entry.status !== undefined && entry.status >= 200 && entry.status < 300;
    const retryable = entry.status === undefined || shouldRetry(entry.status);
    const delay = options.retryDelaysMs[attemptNumber - 1];
    if (ok) {
      record.state = "delivered";
      return finish(id);
    }
    if (retryable && delay !== undefined) {
      schedule(id, Math.round(delay * knobs.timeScale));
      return settle();
    }
    record.state = "failed";
    log(
      `[sandbox:${options.name}] webhook ${id} (${record.label}) gave up after ${attemptNumber} attempt(s)`,
    );
    return finish(id);
  }

  function finish(id: string): void {
    renders.delete(id);
    settle();
  }

  function settle(): void {
    events.emit("change");
  }

  function isIdle(): boolean {
    return timers.size === 0 && inFlight.size === 0 && held.length === 0;
  }

  /** Resolves once nothing is scheduled or in flight (held deliveries count as pending). */
  function waitForIdle(timeoutMs = 10_000): Promise<void> {
    return waitFor(() => isIdle(), timeoutMs, "idle");
  }

  /** Resolves when `predicate(records)` holds; re-checked on every delivery change. */
  function waitFor(
    predicate: (records: TDeliveryRecord[]) => boolean,
    timeoutMs = 10_000,
    what = "condition",
  ) {
    return new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!predicate(list())) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`${options.name} webhooks: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        events.off("change", check);
      };
      events.on("change", check);
      check();
    });
  }

  function cancelAll(): void {
    for (const t of timers) clearTimeout(t);
    timers.clear();
    held.length = 0;
    inFlight.clear();
  }

  return {
    enqueue,
    configure,
    knobs: (): TWebhookKnobs => ({ ...knobs }),
    deliveries: (): TDeliveryRecord[] => structuredClone(list()),
    waitFor,
    waitForIdle,
    isIdle,
    /** Drops queued work and history; keeps the target URL and other knobs unless `knobs` is given. */
    reset(nextKnobs?: TWebhookKnobsInput): void {
      cancelAll();
      records.clear();
      renders.clear();
      if (nextKnobs) configure(nextKnobs);
      events.emit("change");
    },
    close(): void {
      closed = true;
      cancelAll();
      events.emit("change");
    },
  };
}

export type TWebhookDeliverer = ReturnType<typeof createWebhookDeliverer>;

/**
 * One POST on a keep-alive connection (node:http rather than fetch: a burst sends ~100 deliveries a
 * second from the process that also answers the app's API calls, and fetch's streams and abort signals
 * cost that process several times the CPU). Rejects with "timeout" after `timeoutMs` in all.
 */
function post(
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<{ status: number; body: string }> {
  const target = new URL(url);
  const secure = target.protocol === "https:";
  const payload = Buffer.from(body, "utf8");
  return new Promise((resolve, reject) => {
    const req = (secure ? httpsRequest : httpRequest)(
      target,
      {
        method: "POST",
        agent: secure ? httpsAgent : httpAgent,
        headers: { ...headers, "content-length": String(payload.length) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          clearTimeout(timer);
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") });
        });
        res.on("error", (error) => {
          clearTimeout(timer);
          reject(error);
        });
      },
    );
    const timer = setTimeout(() => req.destroy(new DeliveryTimeout()), timeoutMs);
    req.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.end(payload);
  });
}

class DeliveryTimeout extends Error {
  constructor() {
    super("timeout");
    this.name = "TimeoutError";
  }
}

const httpAgent = new HttpAgent({ keepAlive: true });
const httpsAgent = new HttpsAgent({ keepAlive: true });

function describePostError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === "TimeoutError") return "timeout";
  return (error as Error & { code?: string }).code ?? error.message;
}
