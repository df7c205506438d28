import "server-only";
import { z } from "zod";
import { hubspotContactChanged, stripeObjectChanged } from "@/inngest/events";
import { contactsPage } from "@/lib/connectors/hubspot/contacts";
import { stripeCall } from "@/lib/connectors/stripe/client";
import { readSetting, writeSetting } from "@/lib/settings/app-settings";
import { hubspotPropertiesRead } from "@/lib/sync/mapping";
import { readMapping } from "@/lib/sync/mapping-settings";
import type { TDomainEvent } from "@/lib/sync/dispatch";

/** AppSetting key holding the backfill's progress (the console may show it). */
export const BACKFILL_SETTING_KEY = "sync.backfill";

const ZSide = z.object({
  cursor: z.string().nullable().default(null),
  sent: z.number().default(0),
  done: z.boolean().default(false),
});
export const ZBackfillProgress = z.object({
  status: z.enum(["idle", "running", "done", "failed"]).default("idle"),
  direction: z.enum(["hubspot_to_stripe", "stripe_to_hubspot", "both"]).default("both"),
  lifecycleStages: z.array(z.string()).default([]),
  runId: z.string().default(""),
  startedAt: z.string().nullable().default(null),
  updatedAt: z.string().nullable().default(null),
  hubspot: ZSide.default({ cursor: null, sent: 0, done: false }),
  stripe: ZSide.default({ cursor: null, sent: 0, done: false }),
  error: z.string().nullable().default(null),
});
export type TBackfillProgress = z.infer<typeof ZBackfillProgress>;

export const readBackfill = () =>
  readSetting(BACKFILL_SETTING_KEY, ZBackfillProgress, ZBackfillProgress.parse({}));

export async function saveBackfill(p: TBackfillProgress): Promise<void> {
  await writeSetting(BACKFILL_SETTING_KEY, { ...p, updatedAt: new Date().toISOString() }, null);
}

/** A run that stopped before the end (still `running` after a crash, or `failed`) can pick up its cursor. */
export const isResumable = (p: TBackfillProgress) => p.status === "running" || p.status === "failed";

/**
 * Resumes the saved run when it matches the request and is unfinished (running or failed: the
 * cursor of the last saved page is kept); otherwise starts over.
 */
export async function startOrResume(
  req: { direction: TBackfillProgress["direction"]; lifecycleStages?: string[]; restart?: boolean },
  runId: string,
): Promise<TBackfillProgress> {
  const saved = await readBackfill();
  const stages = req.lifecycleStages ?? [];
  if (
    !req.restart &&
    isResumable(saved) &&
    saved.direction === req.direction &&
    saved.lifecycleStages.join() === stages.join()
  ) {
    if (saved.status === "running") return saved;
    const resumed = { ...saved, status: "running" as const, runId, error: null };
    await saveBackfill(resumed);
    return resumed;
  }
  const fresh = ZBackfillProgress.parse({
    status: "running",
    direction: req.direction,
    lifecycleStages: stages,
    runId,
    startedAt: new Date().toISOString(),
    hubspot: { done: req.direction === "stripe_to_hubspot" },
    stripe: { done: req.direction === "hubspot_to_stripe" },
  });
  await saveBackfill(fresh);
  return fresh;
}

/**
 * After the function's last retry: the saved run is marked failed with the error, keeping its
 * cursors, so the console shows why it stopped and the next request resumes where it was.
 */
export async function markBackfillFailed(error: string): Promise<void> {
  const saved = await readBackfill();
  if (saved.status !== "running") return;
  await saveBackfill({ ...saved, status: "failed", error: error.slice(0, 1000) });
}

/** One page of HubSpot contacts as contact-changed events (staleness still applies: synced ones are skipped cheaply). */
export async function hubspotBackfillPage(
  p: TBackfillProgress,
): Promise<{ events: TDomainEvent[]; next: string | null }> {
  const mapping = await readMapping();
  const page = await contactsPage(
    hubspotPropertiesRead(mapping),
    p.hubspot.cursor ?? undefined,
    p.lifecycleStages.length ? p.lifecycleStages : undefined,
  );
  return {
    events: page.contacts.map((c) => ({
      id: `backfill:${p.runId}:HUBSPOT:${c.id}`,
      name: hubspotContactChanged.name,
      data: { contactId: c.id, occurredAt: c.updatedAtMs, subscriptionType: "revbridge.backfill" },
    })),
    next: page.next ?? null,
  };
}

/** One page of Stripe customers as customer-changed events. */
export async function stripeBackfillPage(
  p: TBackfillProgress,
): Promise<{ events: TDomainEvent[]; next: string | null }> {
  const page = await stripeCall((s) =>
    s.customers.list({ limit: 100, ...(p.stripe.cursor ? { starting_after: p.stripe.cursor } : {}) }),
  );
  const last = page.data[page.data.length - 1];
  const now = Math.floor(Date.now() / 1000);
  return {
    events: page.data.map((c) => ({
      id: `backfill:${p.runId}:STRIPE:${c.id}`,
      name: stripeObjectChanged.name,
      data: {
        stripeEventId: `backfill:${p.runId}:${c.id}`,
        type: "customer.updated",
        objectId: c.id,
        created: now,
      },
    })),
    next: page.has_more && last ? last.id : null,
  };
}
