import "server-only";
import { db, type Prisma } from "@/lib/db";
import { log } from "@/lib/logger";

/**
 * The dead-letter queue: work whose retries ran out lands here with what is needed to replay it
 * (the triggering event's name and data), the last error and the attempt count. Nothing is ever
 * dropped silently; the console's Dead letters page shows, filters and replays these rows.
 */

export interface TDeadLetterInput {
  /** The Inngest function (or engine step) that gave up, e.g. `sync-contact-to-stripe`. */
  functionId: string;
  /** Event name and data that re-run the work when sent again. */
  eventName: string;
  payload: Prisma.InputJsonValue;
  error: string;
  attempts: number;
  /** The source object, for filtering: `HUBSPOT:contact:101`, `STRIPE:customer:cus_1`. */
  subject?: string;
}

type Tx = Pick<ReturnType<typeof db>, "deadLetter">;

export async function recordDeadLetter(input: TDeadLetterInput, tx: Tx = db()): Promise<string> {
  const row = await tx.deadLetter.create({
    data: {
      functionId: input.functionId,
      eventName: input.eventName,
      payload: input.payload,
      error: input.error.slice(0, 4000),
      attempts: input.attempts,
      subject: input.subject ?? null,
    },
    select: { id: true },
  });
  log.warn("dead_letter.recorded", {
    deadLetterId: row.id,
    functionId: input.functionId,
    subject: input.subject,
    attempts: input.attempts,
  });
  return row.id;
}

interface TFailureArgs {
  event: {
    data: {
      function_id: string;
      run_id: string;
      error: { message?: string; name?: string };
      event: { name: string; data?: unknown };
    };
  };
  error: Error;
}

/**
 * An `onFailure` handler for `createFunction` options: records the run's triggering event as a dead
 * letter once its retries are exhausted. `subject` names the object from the event's data.
 */
export function deadLetterOnFailure(
  functionId: string,
  options: { retries: number; subject?: (data: Record<string, unknown>) => string | undefined },
) {
  return async ({ event, error }: TFailureArgs): Promise<void> => {
    const original = event.data.event;
    const data = (original.data ?? {}) as Record<string, unknown>;
    await recordDeadLetter({
      functionId,
      eventName: original.name,
      payload: data as Prisma.InputJsonValue,
      error: error.message || event.data.error.message || "unknown error",
      attempts: options.retries + 1,
      subject: options.subject?.(data),
    });
  };
}
