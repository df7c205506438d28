import { consoleRoute } from "@/lib/api/route";
import { getFieldMapping, saveFieldMapping, ZFieldMappingUpdate } from "@/lib/sync-console/field-mapping";

export const dynamic = "force-dynamic";

export const GET = consoleRoute({}, async () => ({ mapping: await getFieldMapping() }));

/** ADMIN only: ownership per field and the purchase settings; audited, applies within seconds. */
export const PUT = consoleRoute({ role: "ADMIN", body: ZFieldMappingUpdate }, async ({ staff, body }) => ({
  mapping: await saveFieldMapping(body, staff.id),
}));
