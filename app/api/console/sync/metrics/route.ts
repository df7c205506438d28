import { consoleRoute } from "@/lib/api/route";
import { loadSyncMetrics } from "@/lib/sync-console/metrics";

export const dynamic = "force-dynamic";

export const GET = consoleRoute({}, async ({ request }) => {
  const window = Number(new URL(request.url).searchParams.get("window") ?? 60);
  return loadSyncMetrics({ windowMinutes: Number.isFinite(window) ? window : 60 });
});
