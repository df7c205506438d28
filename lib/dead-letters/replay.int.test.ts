/**
 * Replays through the app's real Inngest client to a local runner: the runner's event log shows how
 * many sends arrived (duplicates included), so "one send" is checked at the receiving end.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inngest } from "@/inngest/client";
import { db } from "@/lib/db";
import { withFreshDatabase } from "@/test/db";
import { startAppInngest, waitFor, type TAppInngest } from "@/test/app-inngest";
import { restoreAppEnv, stubAppEnv } from "@/test/env";
import { getDeadLetter } from "./list";
import { discardDeadLetter, replayAllDeadLetters, replayDeadLetter } from "./replay";

const database = withFreshDatabase();
const EVENT = "test/dead-letter.target";

const target = inngest.createFunction(
  { id: "dead-letter-target", triggers: [{ event: EVENT }], retries: 0 },
  ({ event }) => ({ objectId: (event.data as { objectId?: string }).objectId ?? null }),
);

let app: TAppInngest;
let operatorId: string;

beforeAll(async () => {
  stubAppEnv(database.url());
  app = await startAppInngest({ functions: [target] });
  operatorId = (await db().user.create({ data: { email: "op@x.test", role: "OPERATOR" } })).id;
});

afterAll(async () => {
  await app.close();
  restoreAppEnv();
});

interface TRunnerEvent {
  id?: string;
  name: string;
  data: Record<string, unknown>;
  duplicate: boolean;
}

async function eventsReceived(): Promise<TRunnerEvent[]> {
  const res = await fetch(`${app.runnerUrl}/v1/events?name=${encodeURIComponent(EVENT)}&limit=1000`);
  return ((await res.json()) as { data: TRunnerEvent[] }).data;
}

async function deadLetter(objectId: string, status = "open") {
  return db().deadLetter.create({
    data: {
      functionId: "sync-contact-to-stripe",
      eventName: EVENT,
      payload: { objectId },
      error: "HubSpot said 400",
      attempts: 4,
      subject: `HUBSPOT:contact:${objectId}`,
      status,
    },
  });
}

describe("replaying a dead letter", () => {
  it("two concurrent presses send once, run once, and are recorded once (audit + SyncLog)", async () => {
    const dl = await deadLetter("101");
    const results = await Promise.allSettled([
      replayDeadLetter(dl.id, operatorId, { expectedReplayCount: 0 }),
      replayDeadLetter(dl.id, operatorId, { expectedReplayCount: 0 }),
    ]);
    const ok = results.filter((r) => r.status === "fulfilled");
    const refused = results.filter((r) => r.status === "rejected");
    expect(ok).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect((refused[0] as PromiseRejectedResult).reason).toMatchObject({ code: "conflict" });

    const sent = (await eventsReceived()).filter((e) => e.data.objectId === "101");
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ id: `replay:${dl.id}:1`, duplicate: false, data: { objectId: "101" } });
    const runs = await app.settled("dead-letter-target", 1);
    expect(runs.filter((r) => (r.output as { objectId?: string }).objectId === "101")).toHaveLength(1);

    const row = await db().deadLetter.findUniqueOrThrow({ where: { id: dl.id } });
    expect(row).toMatchObject({ status: "replayed", replayCount: 1, lastReplayedById: operatorId });
    expect(
      await db().auditLog.count({ where: { action: "dead_letter.replay", target: `DeadLetter:${dl.id}` } }),
    ).toBe(1);
    const logs = await db().syncLog.findMany({ where: { outcome: "replayed", sourceId: "101" } });
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatchObject({ direction: "hubspot_to_stripe", sourceSystem: "HUBSPOT" });
  });

  it("a deliberate second replay (seeing the new count) sends again with the next id", async () => {
    const dl = await deadLetter("102");
    await replayDeadLetter(dl.id, operatorId, { expectedReplayCount: 0 });
    const second = await replayDeadLetter(dl.id, operatorId, { expectedReplayCount: 1 });
    expect(second.eventId).toBe(`replay:${dl.id}:2`);
    const sent = (await eventsReceived()).filter((e) => e.data.objectId === "102");
    expect(sent.map((e) => e.id).sort()).toEqual([`replay:${dl.id}:1`, `replay:${dl.id}:2`]);
  });

  it("a failed send changes nothing: no claim, no audit, no log", async () => {
    const dl = await deadLetter("103");
    const failing = () => Promise.reject(new Error("runner down"));
    await expect(replayDeadLetter(dl.id, operatorId, { send: failing })).rejects.toThrow("runner down");
    expect(await db().deadLetter.findUniqueOrThrow({ where: { id: dl.id } })).toMatchObject({
      status: "open",
      replayCount: 0,
    });
    expect(await db().auditLog.count({ where: { target: `DeadLetter:${dl.id}` } })).toBe(0);
    expect(await db().syncLog.count({ where: { sourceId: "103" } })).toBe(0);
  });

  it("replay all: two concurrent presses replay each open row exactly once; discarded rows stay", async () => {
    const open = await Promise.all(["201", "202", "203"].map((id) => deadLetter(id)));
    const discarded = await deadLetter("204");
    await discardDeadLetter(discarded.id, operatorId);
    await expect(replayDeadLetter(discarded.id, operatorId)).rejects.toMatchObject({ code: "conflict" });

    const filter = { status: "open" as const, q: "HUBSPOT:contact:20" };
    const [a, b] = await Promise.all([
      replayAllDeadLetters(filter, operatorId),
      replayAllDeadLetters(filter, operatorId),
    ]);
    expect(a.replayed + b.replayed).toBe(3);
    await waitFor(
      async () =>
        (await eventsReceived()).filter((e) => String(e.data.objectId).startsWith("20")).length >= 3
          ? true
          : undefined,
      "three replayed events",
    );
    const sent = (await eventsReceived()).filter((e) => String(e.data.objectId).startsWith("20"));
    expect(sent.map((e) => e.id).sort()).toEqual(open.map((d) => `replay:${d.id}:1`).sort());
    expect(sent.every((e) => !e.duplicate)).toBe(true);
    expect(
      await db().deadLetter.count({ where: { id: { in: open.map((d) => d.id) }, status: "replayed" } }),
    ).toBe(3);
    expect(await db().deadLetter.findUniqueOrThrow({ where: { id: discarded.id } })).toMatchObject({
      status: "discarded",
      replayCount: 0,
    });
    expect(await db().auditLog.count({ where: { action: "dead_letter.replay_all" } })).toBeGreaterThanOrEqual(
      1,
    );
    expect(await db().auditLog.count({ where: { action: "dead_letter.discard" } })).toBe(1);
    // Each replayed row's inspect panel shows the batch replay (and the discarded one does not).
    for (const d of open) {
      expect((await getDeadLetter(d.id)).history.map((h) => h.action)).toEqual(["dead_letter.replay_all"]);
    }
    expect((await getDeadLetter(discarded.id)).history.map((h) => h.action)).toEqual(["dead_letter.discard"]);
  });
});
