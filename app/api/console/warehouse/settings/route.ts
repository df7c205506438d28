import { consoleRoute } from "@/lib/api/route";
import { saveWarehouseSettings, ZWarehouseSettingsUpdate } from "@/lib/warehouse/console";

/** Schedule, team-match threshold and portal currency (ADMIN), audited. */
export const PUT = consoleRoute({ role: "ADMIN", body: ZWarehouseSettingsUpdate }, async ({ staff, body }) =>
  saveWarehouseSettings(body, staff.id),
);
