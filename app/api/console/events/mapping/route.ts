import { consoleRoute } from "@/lib/api/route";
import { ZEventMapping } from "@/lib/events/mapping";
import { readEventMapping, setEventMapping } from "@/lib/events/settings";

export const dynamic = "force-dynamic";

export const GET = consoleRoute({}, async () => readEventMapping());

/** OPERATOR or ADMIN saves the property mapping (audited); field errors name the exact path. */
export const PUT = consoleRoute({ role: "OPERATOR", body: ZEventMapping }, async ({ staff, body }) => ({
  mapping: await setEventMapping(staff, body),
}));
