import { PageHeader } from "@/components/page-header";
import { BackfillCard } from "@/features/sync/backfill-card";
import { SyncTabs } from "@/features/sync/sync-tabs";
import { SyncView } from "@/features/sync/sync-view";
import { hasRole } from "@/lib/auth/roles";
import { requirePageStaff } from "@/lib/auth/session";
import { getBackfillProgress } from "@/lib/sync-console/backfill";
import { loadSyncMetrics } from "@/lib/sync-console/metrics";

export const metadata = { title: "Sync" };

export default async function SyncPage() {
  const staff = await requirePageStaff("/sync");
  const [initial, backfill] = await Promise.all([loadSyncMetrics(), getBackfillProgress()]);
  return (
    <>
      <PageHeader
        title="Sync"
        description="HubSpot ⇄ Stripe sync health: throughput, backlog, outcomes, lag and the rate-limit governor."
      />
      <SyncTabs current="/sync" />
      <SyncView initial={initial} />
      <div className="mt-4">
        <BackfillCard initial={backfill} canStart={hasRole(staff.role, "OPERATOR")} />
      </div>
    </>
  );
}
