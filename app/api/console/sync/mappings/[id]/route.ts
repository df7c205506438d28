import { consoleRoute } from "@/lib/api/route";
import { mappingHistory } from "@/lib/sync-console/mappings";

export const dynamic = "force-dynamic";

export const GET = consoleRoute({}, async ({ params }) => mappingHistory(String(params.id)));
