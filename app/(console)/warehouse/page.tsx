import { PageHeader } from "@/components/page-header";
import type { TWarehouseStatus } from "@/features/warehouse/hooks";
import { WarehouseView } from "@/features/warehouse/warehouse-view";
import { hasRole } from "@/lib/auth/roles";
import { requirePageStaff } from "@/lib/auth/session";
import { warehouseStatus } from "@/lib/warehouse/console";

export const metadata = { title: "Warehouse" };

export default async function WarehousePage() {
  const staff = await requirePageStaff("/warehouse");
  const status = await warehouseStatus();
  return (
    <>
      <PageHeader
        title="Warehouse"
        description="HubSpot contacts, companies and deals joined with your users and teams: lifetime spend, team spending and company deals."
      />
      <WarehouseView
        // A JSON round trip turns Dates into the ISO strings the client type expects.
        initial={JSON.parse(JSON.stringify(status)) as TWarehouseStatus}
        canOperate={hasRole(staff.role, "OPERATOR")}
        isAdmin={hasRole(staff.role, "ADMIN")}
      />
    </>
  );
}
