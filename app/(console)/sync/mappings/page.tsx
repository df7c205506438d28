import { PageHeader } from "@/components/page-header";
import { FieldMappingCard } from "@/features/sync/field-mapping-card";
import { MappingsView } from "@/features/sync/mappings-view";
import { SyncTabs } from "@/features/sync/sync-tabs";
import { hasRole } from "@/lib/auth/roles";
import { requirePageStaff } from "@/lib/auth/session";
import { getFieldMapping } from "@/lib/sync-console/field-mapping";
import { listMappings } from "@/lib/sync-console/mappings";

export const metadata = { title: "Mappings · Sync" };

export default async function MappingsPage() {
  const staff = await requirePageStaff("/sync/mappings");
  const [initial, mapping] = await Promise.all([
    listMappings({ status: "all" }, { limit: 50, offset: 0 }),
    getFieldMapping(),
  ]);
  return (
    <>
      <PageHeader
        title="Sync"
        description="Contact ⇄ customer pairs, when each direction last synced, and every event, decision and write per record."
      />
      <SyncTabs current="/sync/mappings" />
      <MappingsView initial={initial} canResync={hasRole(staff.role, "OPERATOR")} />
      <div className="mt-4">
        <FieldMappingCard mapping={mapping} canEdit={hasRole(staff.role, "ADMIN")} />
      </div>
    </>
  );
}
