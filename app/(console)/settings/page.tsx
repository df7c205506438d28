import { Card, PageHeader } from "@/components/page-header";
import { DataTable } from "@/components/data-table";
import { RateLimitTable } from "@/features/settings/rate-limit-table";
import { RoleSelect } from "@/features/settings/role-select";
import { ApiKeysSection } from "@/features/settings/api-keys-section";
import { listAudit } from "@/lib/audit";
import { requirePageStaff } from "@/lib/auth/session";
import { listRateLimits } from "@/lib/settings/rate-limits";
import { listStaff } from "@/lib/settings/users";

export const metadata = { title: "Settings" };

const minute = (d: Date) => d.toISOString().slice(0, 16).replace("T", " ");

export default async function SettingsPage() {
  const staff = await requirePageStaff("/settings");
  const [limits, people, audit] = await Promise.all([
    listRateLimits(),
    listStaff(),
    listAudit({ limit: 50 }),
  ]);
  const isAdmin = staff.role === "ADMIN";
  return (
    <>
      <PageHeader
        title="Settings"
        description="Rate limits per provider account, staff roles and the audit log."
      />
      <div className="grid gap-4">
        <Card title="Rate limits">
          <p className="mb-3 text-xs text-slate-500">
            Shared by every sync function through the governor, which reads them on every call: a saved change
            applies within a second.{isAdmin ? "" : " Only ADMINs can change them."}
          </p>
          <RateLimitTable
            canEdit={isAdmin}
            limits={limits.map((l) => ({ ...l, updatedAt: l.updatedAt?.toISOString() ?? null }))}
          />
        </Card>
        <ApiKeysSection isAdmin={isAdmin} />
        <Card title="Staff">
          <DataTable
            testId="staff"
            headers={["Email", "Name", "Role", "Last sign-in"]}
            rows={people.map((p) => ({
              key: p.id,
              cells: [
                p.email,
                p.name ?? "—",
                <RoleSelect
                  key="role"
                  userId={p.id}
                  email={p.email}
                  role={p.role}
                  canEdit={isAdmin && p.id !== staff.id}
                />,
                p.lastLoginAt ? minute(p.lastLoginAt) : "never",
              ],
            }))}
          />
        </Card>
        <Card title="Audit log">
          <DataTable
            testId="audit-log"
            empty="No audited actions yet."
            headers={["When", "Who", "Action", "Target", "Details"]}
            rows={audit.map((a) => ({
              key: a.id,
              cells: [
                a.createdAt.toISOString().slice(0, 19).replace("T", " "),
                a.actor?.email ?? "system",
                a.action,
                a.target ?? "—",
                <code key="details" className="text-xs">
                  {a.details ? JSON.stringify(a.details) : ""}
                </code>,
              ],
            }))}
          />
        </Card>
      </div>
    </>
  );
}
