import { PageHeader } from "@/components/page-header";
import { DeadLettersView } from "@/features/dead-letters/dead-letters-view";
import { hasRole } from "@/lib/auth/roles";
import { requirePageStaff } from "@/lib/auth/session";
import { listDeadLetters } from "@/lib/dead-letters/list";

export const metadata = { title: "Dead letters" };

export default async function DeadLettersPage() {
  const staff = await requirePageStaff("/dead-letters");
  const initial = await listDeadLetters({ status: "open" });
  return (
    <>
      <PageHeader
        title="Dead letters"
        description="Work that ran out of retries: inspect what failed and why, then replay it or discard it."
      />
      <DeadLettersView initial={initial} canAct={hasRole(staff.role, "OPERATOR")} />
    </>
  );
}
