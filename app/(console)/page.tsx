import { PageHeader } from "@/components/page-header";
import { OverviewView } from "@/features/overview/overview-view";
import { requirePageStaff } from "@/lib/auth/session";
import { connectorStatuses } from "@/lib/connectors/status";
import { loadOverviewStats } from "@/lib/overview/stats";

export const metadata = { title: "Overview" };

export default async function OverviewPage() {
  await requirePageStaff("/");
  const initial = { connectors: connectorStatuses(), stats: await loadOverviewStats() };
  return (
    <>
      <PageHeader title="Overview" description="Connector status and what moved through RevBridge." />
      <OverviewView initial={initial} />
    </>
  );
}
