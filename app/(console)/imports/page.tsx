import { PageHeader } from "@/components/page-header";
import { ImportsView } from "@/features/imports/imports-view";
import { hasRole } from "@/lib/auth/roles";
import { requirePageStaff } from "@/lib/auth/session";
import { listJobs, listTemplates } from "@/lib/imports/jobs";

export const metadata = { title: "Imports" };
export const dynamic = "force-dynamic";

export default async function ImportsPage() {
  const staff = await requirePageStaff("/imports");
  const [jobs, templates] = await Promise.all([listJobs(), listTemplates()]);
  const initial = {
    jobs: jobs.map((j) => ({ ...j, createdAt: j.createdAt.toISOString() })),
    templates: templates.map((t) => ({ name: t.name, object: t.object })),
  };
  return (
    <>
      <PageHeader
        title="Imports"
        description="CSV imports of companies, contacts and tickets into HubSpot: mapped, validated, previewed, then written in batches with associations."
      />
      <ImportsView initial={initial} canAct={hasRole(staff.role, "OPERATOR")} />
    </>
  );
}
