/**
 * The generator against the four stand-ins in this process, with their webhooks and WeChat callbacks
 * aimed at a small receiver playing the app: every provider gets its kinds of activity, webhooks go
 * out, the app's issued codes come back in forms, and a seed always plans the same actions.
 */
import Stripe from "stripe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startAllSandboxes, type TAllSandboxes } from "../start-all";
import { CAMPAIGNS } from "./catalog";
import { startTraffic, type TActionRecord } from "./index";
import { codeForOpenid, normaliseTypedCode, startReceiver, waitUntil } from "./test-receiver";

type TReceiver = Awaited<ReturnType<typeof startReceiver>>;

const quiet = { log: () => {} };
let receiver: TReceiver;
let all: TAllSandboxes;

beforeAll(async () => {
  receiver = await startReceiver();
  all = await startAllSandboxes({
    stripe: { ...quiet, webhookUrl: `${receiver.url}/api/webhooks/stripe` },
    hubspot: {
      ...quiet,
      webhookUrl: `${receiver.url}/api/webhooks/hubspot`,
      settings: { webhookBatchWindowMs: 10 },
    },
    // Plain mode lets the receiver answer without the AES layer, which is not what this test is about.
    wechat: { ...quiet, callbackUrl: `${receiver.url}/api/wechat`, mode: "plain", callbackTimeoutMs: 2_000 },
    openapply: quiet,
  });
});

afterAll(async () => {
  await all?.close();
  await receiver?.close();
});

beforeEach(async () => {
  for (const url of Object.values(all.urls)) await fetch(`${url}/__sandbox/reset`, { method: "POST" });
  receiver.clear();
});

async function sandboxState<T>(name: keyof TAllSandboxes["urls"]): Promise<T> {
  return (await (await fetch(`${all.urls[name]}/__sandbox/state`)).json()) as T;
}

const projection = (records: TActionRecord[]) =>
  records.map((r) => `${r.step} ${r.scenario} ${r.person} ${r.summary}`);

describe("startTraffic", () => {
  it("drives every stand-in the way people would, and their webhooks and callbacks reach the app", async () => {
    const traffic = startTraffic({ sandboxes: all, seed: 11, ratePerMinute: 0 });
    const records = await traffic.runSteps(150);
    const stats = traffic.stats();
    expect(records).toHaveLength(150);
    expect(stats).toMatchObject({ steps: 150, failed: 0, skipped: 0, setupRuns: 1, lastError: null });
    expect(Object.keys(stats.byScenario).length).toBeGreaterThanOrEqual(12);

    // WeChat: campaign codes made through the API, follows through them, menu clicks, keywords.
    const wechat = await sandboxState<{
      followers: { subscribed: boolean; scene: string | null }[];
      qrcodes: number;
    }>("wechat");
    expect(wechat.qrcodes).toBe(CAMPAIGNS.length);
    expect(new Set(wechat.followers.map((f) => f.scene)).size).toBeGreaterThanOrEqual(3);
    const callbacks = receiver.at("/api/wechat").map((r) => r.body);
    expect(
      callbacks.some(
        (b) => b.includes("<Event><![CDATA[subscribe]]></Event>") && b.includes("qrscene_open-day-2026"),
      ),
    ).toBe(true);
    expect(callbacks.some((b) => b.includes("<EventKey><![CDATA[GET_CODE]]></EventKey>"))).toBe(true);
    expect(callbacks.some((b) => b.includes("<MsgType><![CDATA[text]]></MsgType>"))).toBe(true);
    expect(callbacks.some((b) => b.includes("<Event><![CDATA[unsubscribe]]></Event>"))).toBe(true);

    // HubSpot: custom properties created, contacts from forms and salespeople, signed webhooks.
    const hubspot = await sandboxState<{
      objects: { contacts: number };
      customProperties: { contacts: string[] };
    }>("hubspot");
    expect(hubspot.customProperties.contacts).toEqual(
      expect.arrayContaining(["wechat_code", "wechat_openid"]),
    );
    expect(hubspot.objects.contacts).toBe(stats.byScenario["hubspot.form"]!.ok);
    await waitUntil(() => {
      const events = receiver
        .at("/api/webhooks/hubspot")
        .flatMap(
          (r) =>
            JSON.parse(r.body) as { subscriptionType: string; changeSource: string; propertyName?: string }[],
        );
      expect(events.some((e) => e.subscriptionType === "contact.creation" && e.changeSource === "FORM")).toBe(
        true,
      );
      expect(events.some((e) => e.propertyName === "lifecyclestage" && e.changeSource === "CRM_UI")).toBe(
        true,
      );
      expect(events.some((e) => e.propertyName === "wechat_code")).toBe(true);
    });
    expect(receiver.at("/api/webhooks/hubspot")[0]!.headers["x-hubspot-signature-v3"]).toBeTruthy();

    // The codes typed into HubSpot are the ones the "app" replied with, some mistyped.
    const contacts = all.hubspot.portal.store.page("contacts", undefined, 1_000).results;
    const typed = contacts.map((c) => c.properties.wechat_code).filter((v): v is string => Boolean(v));
    const issued = new Set(
      [...all.wechat.state.followers.keys()].map((o) => normaliseTypedCode(codeForOpenid(o))),
    );
    expect(typed.length).toBeGreaterThan(3);
    expect(typed.filter((t) => issued.has(normaliseTypedCode(t))).length).toBeGreaterThan(typed.length / 2);

    // OpenApply: applications, staff moves, codes in the custom field.
    const openapply = await sandboxState<{
      students: { statusHistory: { status: string }[]; custom_fields: Record<string, unknown> }[];
    }>("openapply");
    expect(openapply.students.length).toBe(stats.byScenario["openapply.apply"]!.ok);
    const statuses = new Set(openapply.students.flatMap((s) => s.statusHistory.map((h) => h.status)));
    expect([...statuses]).toEqual(expect.arrayContaining(["applied", "admitted"]));
    expect(openapply.students.some((s) => typeof s.custom_fields.wechat_code === "string")).toBe(true);

    // Stripe: customers, completed checkouts, invoices; some emails match HubSpot contacts.
    const stripe = await sandboxState<{ customers: number; checkoutSessions: number; invoices: number }>(
      "stripe",
    );
    expect(stripe.customers).toBeGreaterThan(0);
    expect(stripe.checkoutSessions).toBe(stats.byScenario["stripe.purchase"]!.ok);
    const stripeEmails = new Set(all.stripe.state.customers.list().map((c) => c.email));
    expect(contacts.some((c) => stripeEmails.has(c.properties.email ?? ""))).toBe(true);
    await waitUntil(() => {
      const types = receiver
        .at("/api/webhooks/stripe")
        .map((r) => (JSON.parse(r.body) as { type: string }).type);
      expect(types).toEqual(
        expect.arrayContaining(["customer.created", "checkout.session.completed", "invoice.paid"]),
      );
    });
    const delivery = receiver.at("/api/webhooks/stripe")[0]!;
    const verified = new Stripe("sk_test_verifyonly0000").webhooks.constructEvent(
      delivery.body,
      String(delivery.headers["stripe-signature"]),
      all.stripe.webhookSecret,
    );
    expect(verified.id).toMatch(/^evt_/);
    const counters = (await (await fetch(`${all.urls.stripe}/__sandbox/counters`)).json()) as {
      byRoute: Record<string, number>;
    };
    expect(counters.byRoute["POST /v1/checkout/sessions"]).toBe(stripe.checkoutSessions);

    await traffic.stop();
  });

  it("plans the same actions for the same seed, and other actions for another seed", async () => {
    const run = async (seed: number) => {
      for (const url of Object.values(all.urls)) await fetch(`${url}/__sandbox/reset`, { method: "POST" });
      const traffic = startTraffic({ sandboxes: all, seed, ratePerMinute: 0 });
      const records = await traffic.runSteps(80);
      await traffic.stop();
      const hubspot = await sandboxState<{ objects: { contacts: number } }>("hubspot");
      return {
        actions: projection(records),
        failed: traffic.stats().failed,
        contacts: hubspot.objects.contacts,
      };
    };
    const first = await run(7);
    const again = await run(7);
    expect(first.failed).toBe(0);
    expect(again).toEqual(first);
    expect((await run(8)).actions).not.toEqual(first.actions);
  });

  it("runs on its own timer until stopped", async () => {
    const lines: string[] = [];
    const traffic = startTraffic({
      sandboxes: all,
      seed: 3,
      ratePerMinute: 6_000,
      log: (l) => lines.push(l),
    });
    await waitUntil(() => expect(traffic.stats().steps).toBeGreaterThanOrEqual(8));
    await traffic.stop();
    const after = traffic.stats().steps;
    await new Promise((r) => setTimeout(r, 100));
    expect(traffic.stats().steps).toBe(after);
    expect(lines[0]).toContain("seed 3");
    expect(lines.some((l) => /^traffic #1 \S+ p\d{3} /.test(l))).toBe(true);
  });

  it("refuses to drive anything that is not the named sandbox", async () => {
    const lines: string[] = [];
    const traffic = startTraffic({
      sandboxes: { urls: { ...all.urls, hubspot: all.urls.stripe } },
      ratePerMinute: 0,
      log: (l) => lines.push(l),
    });
    await expect(traffic.runSteps(1)).rejects.toThrow(/is the stripe sandbox, not hubspot/);
    expect(traffic.stats().steps).toBe(0);
    expect((await sandboxState<{ customers: number }>("stripe")).customers).toBe(0);
  });
});
