/**
 * In-process guard on when governed requests actually leave: at most `limit` in any rolling
 * `windowMs`, by the time each one is sent.
 *
 * Why, on top of the governor: the governor (lib/sync/governor.ts) reserves each request a start time
 * at the shared rate, but the request leaves when this process gets to it. A busy event loop (GC, a
 * large step payload) fires the timers due during a stall together: requests reserved over 1.1 s then
 * leave within 1 s, and a provider counting a rolling second (Stripe, HubSpot) sees the rate plus
 * the stall's worth. At 10,000 contacts with Stripe at 90/s that was 19–234 429s, each pausing every
 * caller. Held back here, a stalled batch leaves no faster than the limit allows. Per process only:
 * the sharing between processes stays the governor's.
 *
 * Nor do they leave at once: two sends are at least half the limit's pace apart (5.2 ms at 96 a
 * second), so after a stall of ours the backlog catches up at twice the rate instead of in one burst.
 * A provider counts by when it reads each request, late by however long it is busy; a burst sent just
 * before one of its rolling seconds began and read just after counts in it on top of that second's
 * own. With the stand-ins' loops at most 19–22 ms late, such bursts still drew 1–2 429s in a
 * 10,000-contact burst; spread, none in five runs.
 */

export interface TSendWindow {
  /** Resolves when one more request may leave without exceeding `limit` in the rolling window. */
  take(limit: number): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function createSendWindow(windowMs = 1000, now: () => number = Date.now): TSendWindow {
  const sent: number[] = [];
  // One taker at a time decides, so two callers cannot both take the last slot.
  let queue: Promise<void> = Promise.resolve();
  const takeNow = async (limit: number) => {
    const gapMs = windowMs / (2 * limit);
    for (;;) {
      const t = now();
      while (sent.length && sent[0]! <= t - windowMs) sent.shift();
      const last = sent.at(-1);
      if (last !== undefined && t - last < gapMs) {
        await sleep(Math.ceil(last + gapMs - t));
        continue;
      }
      if (sent.length < limit) {
        sent.push(t);
        return;
      }
      // The oldest send in the window leaves it at sent[0] + windowMs; +1 so it has left.
      await sleep(sent[sent.length - limit]! + windowMs - t + 1);
    }
  };
  return {
    take(limit) {
      const turn = queue.then(() => takeNow(Math.max(1, Math.floor(limit))));
      queue = turn.catch(() => undefined);
      return turn;
    },
  };
}

const windows = new Map<string, TSendWindow>();

/** The process's window for one provider bucket (e.g. `STRIPE:default`). */
export function sendWindow(key: string): TSendWindow {
  let w = windows.get(key);
  if (!w) windows.set(key, (w = createSendWindow()));
  return w;
}
