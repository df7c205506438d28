import type { TLogger } from "./log";

/**
 * Triggers a Sync (SDK spec 4.3) of each app by sending `PUT` to its serve URL, as the dev server does
 * for `-u` URLs. The SDK answers by POSTing its functions to our `/fn/register` before it answers the
 * PUT, so `true` means the functions are registered. Apps that are not up yet are retried (250 ms,
 * growing to 5 s, so a freshly started app is picked up quickly) until they answer or the runner stops.
 */
export async function syncApp(url: string, log: TLogger, signal: AbortSignal): Promise<boolean> {
  let delay = 250;
  let warned = false;
  while (!signal.aborted) {
    try {
      const res = await fetch(url, {
        method: "PUT",
        headers: { "x-inngest-server-kind": "dev", "content-type": "application/json" },
        signal: AbortSignal.any([signal, AbortSignal.timeout(30_000)]),
      });
      const text = await res.text();
      if (res.ok) {
        log.info("app.synced", { url });
        return true;
      }
      log.warn("app.sync_failed", { url, status: res.status, body: text.slice(0, 200) });
    } catch (err) {
      if (signal.aborted) break;
      if (!warned)
        log.info("app.waiting", {
          url,
          reason:
            err instanceof Error
              ? err.cause instanceof Error
                ? err.cause.message
                : err.message
              : String(err),
        });
      warned = true;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, delay);
      signal.addEventListener(
        "abort",
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    });
    delay = Math.min(delay * 2, 5_000);
  }
  return false;
}
