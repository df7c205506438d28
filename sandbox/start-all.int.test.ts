import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { startAllSandboxes } from "./start-all";

const quiet = { log: () => {} };

describe("startAllSandboxes", () => {
  it("starts the four stand-ins on free ports and closes them", async () => {
    const all = await startAllSandboxes({ stripe: quiet, hubspot: quiet, wechat: quiet, openapply: quiet });
    try {
      for (const [name, url] of Object.entries(all.urls)) {
        const res = await fetch(`${url}/__sandbox/health`);
        expect(await res.json()).toEqual({ name, ok: true });
      }
    } finally {
      await all.close();
    }
    await expect(fetch(`${all.urls.hubspot}/__sandbox/health`)).rejects.toThrow();
  });

  it("closes what it started when a later stand-in cannot listen", async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r));
    const taken = (blocker.address() as { port: number }).port;
    const free = createServer();
    await new Promise<void>((r) => free.listen(0, "127.0.0.1", r));
    const stripePort = (free.address() as { port: number }).port;
    await new Promise<void>((r) => free.close(() => r()));
    try {
      await expect(
        startAllSandboxes({ ports: { stripe: stripePort, hubspot: taken }, stripe: quiet, hubspot: quiet }),
      ).rejects.toThrow(/EADDRINUSE/);
      // Stripe had started on stripePort; it must be closed again.
      await expect(fetch(`http://127.0.0.1:${stripePort}/__sandbox/health`)).rejects.toThrow();
    } finally {
      await new Promise<void>((r) => blocker.close(() => r()));
    }
  });
});
