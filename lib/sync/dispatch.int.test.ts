/** The webhook dispatcher drops Stripe echoes of our own writes, set-based, and keeps every real change. */
import { describe, expect, it } from "vitest";
import { db, type Prisma } from "@/lib/db";
import { STRIPE_IDEMPOTENCY_PREFIX } from "@/lib/sync/echo";
import { loadPendingRows, markDispatched, planDispatch, STRIPE_ECHO_REASON } from "@/lib/sync/dispatch";
import { withFreshDatabase } from "@/test/db";

withFreshDatabase();

const customer = { id: "cus_echo1", email: "ada@example.com", name: "Ada Lovelace", metadata: {} };

async function stripeRow(
  eventId: string,
  type: string,
  object: Prisma.InputJsonObject,
  request: { id: string | null; idempotency_key: string | null },
) {
  return db().webhookEvent.create({
    data: {
      provider: "STRIPE",
      dedupeKey: eventId,
      type,
      status: "HANDED_OFF",
      payload: { id: eventId, type, created: 1_795_000_000, request, data: { object } },
    },
  });
}

async function dispatch(ids: string[]) {
  const plan = planDispatch(await loadPendingRows(ids));
  await markDispatched(plan);
  return plan;
}

describe("webhook dispatcher: Stripe echoes", () => {
  it("drops our own customer writes in one pass and keeps a real edit that sets the same values", async () => {
    const ours = { id: "req_ours", idempotency_key: `${STRIPE_IDEMPOTENCY_PREFIX}h2s:123:abc` };
    const created = await stripeRow(
      "evt_created",
      "customer.created",
      { ...customer, id: "cus_echo2", metadata: { hubspot_contact_id: "201" } },
      ours,
    );
    const linked = await stripeRow(
      "evt_linked",
      "customer.updated",
      { ...customer, metadata: { hubspot_contact_id: "101" } },
      ours,
    );
    // A person sets exactly the values we wrote (Dashboard: a request without our key): a real change.
    const person = await stripeRow(
      "evt_person",
      "customer.updated",
      { ...customer, metadata: { hubspot_contact_id: "101" } },
      { id: "req_dashboard", idempotency_key: "8d2f-dashboard" },
    );
    // A deletion is applied whoever made it: the mapping has to learn of it.
    const deleted = await stripeRow(
      "evt_deleted",
      "customer.deleted",
      { id: "cus_echo3", deleted: true },
      ours,
    );
    const ids = [created.id, linked.id, person.id, deleted.id];

    const plan = await dispatch(ids);

    expect(plan.events.map((e) => e.data.stripeEventId).sort()).toEqual(["evt_deleted", "evt_person"]);
    const rows = await db().webhookEvent.findMany({ where: { id: { in: ids } } });
    const status = Object.fromEntries(rows.map((r) => [r.dedupeKey, [r.status, r.error]]));
    expect(status).toEqual({
      evt_created: ["IGNORED", STRIPE_ECHO_REASON],
      evt_linked: ["IGNORED", STRIPE_ECHO_REASON],
      evt_person: ["PROCESSED", null],
      evt_deleted: ["PROCESSED", null],
    });
    // Counted as suppressed echoes on the Sync page, with the pair for the per-record history.
    const logs = await db().syncLog.findMany({
      where: { outcome: "skipped_echo" },
      orderBy: { sourceId: "asc" },
    });
    expect(logs.map((l) => [l.direction, l.sourceId, l.targetId, l.webhookEventId])).toEqual([
      ["stripe_to_hubspot", "cus_echo1", "101", linked.id],
      ["stripe_to_hubspot", "cus_echo2", "201", created.id],
    ]);

    // A retried dispatch finds nothing pending: no event and no log entry twice.
    const again = await dispatch(ids);
    expect(again.events).toEqual([]);
    expect(await db().syncLog.count({ where: { outcome: "skipped_echo" } })).toBe(2);
  });

  it("does not take a request without an idempotency key, or none at all, for ours", async () => {
    const noKey = await stripeRow("evt_nokey", "customer.updated", customer, {
      id: "req_api",
      idempotency_key: null,
    });
    const automatic = await stripeRow("evt_auto", "customer.updated", customer, {
      id: null,
      idempotency_key: null,
    });
    const plan = await dispatch([noKey.id, automatic.id]);
    expect(plan.events.map((e) => e.data.stripeEventId).sort()).toEqual(["evt_auto", "evt_nokey"]);
    expect(plan.echoes).toEqual([]);
  });
});
