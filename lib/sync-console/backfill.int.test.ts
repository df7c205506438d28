import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { BACKFILL_SETTING_KEY, saveBackfill, ZBackfillProgress } from "@/lib/sync/backfill";
import { withFreshDatabase } from "@/test/db";
import { requestBackfill, ZBackfillRequest, type TBackfillEvent } from "./backfill";

withFreshDatabase();

let operatorId: string;
let sent: TBackfillEvent[];
const send = (events: TBackfillEvent[]) => {
  sent.push(...events);
  return Promise.resolve();
};

beforeAll(async () => {
  operatorId = (await db().user.create({ data: { email: "op@x.test", role: "OPERATOR" } })).id;
});

beforeEach(async () => {
  sent = [];
  await db().appSetting.deleteMany({ where: { key: BACKFILL_SETTING_KEY } });
  await db().auditLog.deleteMany({ where: { action: "sync.backfill" } });
});

const running = (direction: "both" | "hubspot_to_stripe", updatedAgoMs: number) =>
  db().appSetting.create({
    data: {
      key: BACKFILL_SETTING_KEY,
      value: ZBackfillProgress.parse({
        status: "running",
        direction,
        runId: "run_1",
        startedAt: new Date(Date.now() - updatedAgoMs).toISOString(),
        updatedAt: new Date(Date.now() - updatedAgoMs).toISOString(),
      }),
    },
  });

describe("starting the initial sync from the console", () => {
  it("sends one request with the operator's settings and audits it", async () => {
    const input = ZBackfillRequest.parse({ direction: "hubspot_to_stripe", lifecycleStages: ["customer"] });
    const now = new Date();
    const a = await requestBackfill(input, operatorId, { send, now });
    const b = await requestBackfill(input, operatorId, { send, now });
    // A double click carries the same event id, which Inngest deduplicates.
    expect(a.eventId).toBe(b.eventId);
    expect(sent[0]).toMatchObject({
      name: "revbridge/sync.backfill.requested",
      data: {
        direction: "hubspot_to_stripe",
        lifecycleStages: ["customer"],
        restart: false,
        requestedById: operatorId,
      },
    });
    const audit = await db().auditLog.findMany({ where: { action: "sync.backfill" } });
    expect(audit).toHaveLength(2);
    expect(audit[0]).toMatchObject({ actorId: operatorId, target: "sync:backfill" });
  });

  it("while a run is live, any request is refused (409) and nothing is sent or audited", async () => {
    await running("both", 10_000);
    for (const body of [
      { direction: "hubspot_to_stripe" },
      { direction: "both" },
      { direction: "both", restart: true },
    ]) {
      const refusal = requestBackfill(ZBackfillRequest.parse(body), operatorId, { send });
      await expect(refusal).rejects.toMatchObject({ code: "conflict" });
      await expect(refusal).rejects.toThrow(/backfill \(both\) is running; wait for it/);
    }
    expect(sent).toHaveLength(0);
    expect(await db().auditLog.count({ where: { action: "sync.backfill" } })).toBe(0);
  });

  it("a stalled run (no progress for 5 minutes) resumes with the same settings", async () => {
    await running("both", 6 * 60_000);
    const same = await requestBackfill(ZBackfillRequest.parse({ direction: "both" }), operatorId, { send });
    expect(same.resumed).toBe(true);
    expect(sent).toHaveLength(1);
  });

  it("a stalled run may be restarted with other settings", async () => {
    await running("both", 6 * 60_000);
    const r = await requestBackfill(
      ZBackfillRequest.parse({ direction: "hubspot_to_stripe", restart: true }),
      operatorId,
      { send },
    );
    expect(r.resumed).toBe(false);
    expect(sent[0]!.data).toMatchObject({ direction: "hubspot_to_stripe", restart: true });
  });

  it("a press after the run failed resumes it, with a new event id even inside the double-click window", async () => {
    const input = ZBackfillRequest.parse({ direction: "both" });
    const now = new Date();
    const first = await requestBackfill(input, operatorId, { send, now });
    await saveBackfill(
      ZBackfillProgress.parse({ status: "failed", direction: "both", runId: "run_9", error: "Stripe 503" }),
    );
    const again = await requestBackfill(input, operatorId, { send, now });
    expect(again.eventId).not.toBe(first.eventId);
    expect(again.resumed).toBe(true);
    expect(sent).toHaveLength(2);
  });

  it("a failed send records nothing", async () => {
    const failing = () => Promise.reject(new Error("runner down"));
    await expect(
      requestBackfill(ZBackfillRequest.parse({ direction: "both" }), operatorId, { send: failing }),
    ).rejects.toThrow("runner down");
    expect(await db().auditLog.count({ where: { action: "sync.backfill" } })).toBe(0);
  });

  it("validates the request: known direction, plain lifecycle stage values", () => {
    expect(ZBackfillRequest.safeParse({ direction: "sideways" }).success).toBe(false);
    expect(ZBackfillRequest.safeParse({ direction: "both", lifecycleStages: ["a b"] }).success).toBe(false);
    expect(ZBackfillRequest.safeParse({ direction: "both", lifecycleStages: [""] }).success).toBe(false);
  });

  it("the saved progress round-trips through the engine's reader", async () => {
    await saveBackfill(ZBackfillProgress.parse({ status: "done", direction: "both" }));
    const { getBackfillProgress } = await import("./backfill");
    expect((await getBackfillProgress()).status).toBe("done");
  });
});
