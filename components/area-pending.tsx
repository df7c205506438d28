import type { Metadata } from "next";
import { Card, PageHeader } from "@/components/page-header";
import { requirePageStaff } from "@/lib/auth/session";

/**
 * Console areas whose feature has not shipped yet. Each says so plainly — no mock figures — and is
 * replaced by its real page when its issue lands.
 */
const PENDING = {
  identities: {
    title: "Identities",
    purpose: "WeChat followers, their codes and the HubSpot, OpenApply and Stripe records linked to them.",
    arrivesWith: "WeChat “Get My Code” and identity matching",
  },
  sync: {
    title: "Sync",
    purpose: "HubSpot ⇄ Stripe sync health: throughput, backlog, lag, governor usage and mappings.",
    arrivesWith: "the two-way HubSpot ⇄ Stripe sync",
  },
  funnel: {
    title: "Funnel & ROI",
    purpose: "WeChat → HubSpot → OpenApply → Stripe conversion by campaign and cohort, and campaign ROI.",
    arrivesWith: "the CRM warehouse, funnel and ROI",
  },
  warehouse: {
    title: "Warehouse",
    purpose:
      "HubSpot contacts, companies and deals joined with users and teams: lifetime spend, team spending, company deals.",
    arrivesWith: "the CRM warehouse",
  },
  imports: {
    title: "Imports",
    purpose: "CSV imports of companies, contacts and tickets into HubSpot, validated and associated.",
    arrivesWith: "the CSV bulk import",
  },
  events: {
    title: "Events",
    purpose: "Lifecycle events from product apps, their outbox status and the property mapping.",
    arrivesWith: "the lifecycle events API",
  },
  "dead-letters": {
    title: "Dead letters",
    purpose: "Work that ran out of retries, to inspect and replay.",
    arrivesWith: "the two-way HubSpot ⇄ Stripe sync",
  },
} as const;

/** What a pending area's page module exports: its metadata and the page component. */
export function pendingArea(slug: keyof typeof PENDING): {
  metadata: Metadata;
  Page: () => Promise<React.JSX.Element>;
} {
  const area = PENDING[slug];
  async function Page() {
    await requirePageStaff(`/${slug}`);
    return (
      <>
        <PageHeader title={area.title} description={area.purpose} />
        <Card>
          <p className="text-sm" data-testid="area-pending">
            Not available yet: this area arrives with {area.arrivesWith}. Nothing here is simulated.
          </p>
        </Card>
      </>
    );
  }
  return { metadata: { title: area.title }, Page };
}
