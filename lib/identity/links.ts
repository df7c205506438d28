import "server-only";
import type { Prisma } from "@/lib/db";
import type { Provider } from "@/lib/generated/prisma/enums";

/**
 * The identity graph's edges. A person is identified by `personId` = the WeChat OpenID; unique
 * (system, externalId) means a record belongs to one person. Links are only ever created from an
 * issued code (matching), a reviewer's decision, or a mapping another part of RevBridge owns
 * (contact ⇄ customer) — never from a guess.
 */

type Tx = Prisma.TransactionClient;

export type TLinkSource = "code" | "review" | "contact_customer_map";

export interface TLinkAttempt {
  /** `created`: new edge; `same`: already this person's; `conflict`: the record belongs to someone else. */
  result: "created" | "same" | "conflict";
  currentPersonId: string;
}

/** Links a record to a person unless it belongs to someone else (then nothing changes). */
export async function linkRecord(
  tx: Tx,
  input: {
    personId: string;
    system: Provider;
    externalId: string;
    source: TLinkSource;
    linkedById?: string | null;
  },
): Promise<TLinkAttempt> {
  // skipDuplicates: a concurrent matcher may win the insert; the re-read tells whose it is.
  const created = await tx.identityLink.createMany({
    data: [
      {
        personId: input.personId,
        system: input.system,
        externalId: input.externalId,
        source: input.source,
        linkedById: input.linkedById ?? null,
      },
    ],
    skipDuplicates: true,
  });
  if (created.count === 1) return { result: "created", currentPersonId: input.personId };
  const existing = await tx.identityLink.findUniqueOrThrow({
    where: { system_externalId: { system: input.system, externalId: input.externalId } },
  });
  return {
    result: existing.personId === input.personId ? "same" : "conflict",
    currentPersonId: existing.personId,
  };
}

/** The person's own WeChat node (idempotent). */
export async function ensureWechatNode(tx: Tx, openid: string, source: TLinkSource): Promise<void> {
  await tx.identityLink.createMany({
    data: [{ personId: openid, system: "WECHAT", externalId: openid, source }],
    skipDuplicates: true,
  });
}

/**
 * Adds STRIPE edges for the person's HubSpot contacts that the HubSpot ⇄ Stripe sync has mapped to a
 * customer. Called when matching and when a person is read, so the graph follows the map as it fills.
 */
export async function linkStripeCustomers(tx: Tx, personId: string): Promise<number> {
  const contacts = await tx.identityLink.findMany({
    where: { personId, system: "HUBSPOT" },
    select: { externalId: true },
  });
  if (contacts.length === 0) return 0;
  const maps = await tx.contactCustomerMap.findMany({
    where: { hubspotContactId: { in: contacts.map((c) => c.externalId) } },
    select: { stripeCustomerId: true },
  });
  if (maps.length === 0) return 0;
  const created = await tx.identityLink.createMany({
    data: maps.map((m) => ({
      personId,
      system: "STRIPE" as const,
      externalId: m.stripeCustomerId,
      source: "contact_customer_map",
    })),
    skipDuplicates: true,
  });
  return created.count;
}
