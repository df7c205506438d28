import { consoleRoute } from "@/lib/api/route";
import { listMappings, parseMappingFilter } from "@/lib/sync-console/mappings";

export const dynamic = "force-dynamic";

export const GET = consoleRoute({}, async ({ request }) => {
  const params = new URL(request.url).searchParams;
  const offset = Math.max(0, Number(params.get("offset") ?? 0) || 0);
  return listMappings(parseMappingFilter(params), { limit: 50, offset });
});
