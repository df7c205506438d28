import { consoleRoute } from "@/lib/api/route";
import { connectorStatuses } from "@/lib/connectors/status";
import { loadOverviewStats } from "@/lib/overview/stats";

export const dynamic = "force-dynamic";

export const GET = consoleRoute({}, async () => ({
  connectors: connectorStatuses(),
  stats: await loadOverviewStats(),
}));
