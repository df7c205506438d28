import { PageHeader } from "@/components/page-header";
import { DeadLettersView } from "@/features/dead-letters/dead-letters-view";
import { ModeBanner } from "@/features/events/mode-banner";
import { hasRole } from "@/lib/auth/roles";
import { requirePageStaff } from "@/lib/auth/session";
import { listDeadLetters } from "@/lib/dead-letters/list";
import { readEventsMode } from "@/lib/events/settings";

export const metadata = { title: "Dead letters" };

export default async function DeadLettersPage() {
  const staff = await requirePageStaff("/dead-letters");
  const [initial, eventsMode] = await Promise.all([listDeadLetters({ status: "open" }), readEventsMode()]);
  return (
    <>
      <PageHeader
        title="Dead letters"
        description="Work that ran out of retries: inspect what failed and why, then replay it or discard it."
      />
      {/* Outbox dead letters are lifecycle events: show the mode they are replayed under (switch it on Events). */}
      <ModeBanner mode={eventsMode} canEdit={false} />
      <DeadLettersView initial={initial} canAct={hasRole(staff.role, "OPERATOR")} />
    </>
  );
}
