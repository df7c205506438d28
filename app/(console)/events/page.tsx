import { PageHeader } from "@/components/page-header";
import { EventsView } from "@/features/events/events-view";
import { hasRole } from "@/lib/auth/roles";
import { requirePageStaff } from "@/lib/auth/session";
import { EVENT_TYPES } from "@/lib/events/catalogue";
import { eventsOverview, ZEventFilters } from "@/lib/events/console";

export const metadata = { title: "Events" };
export const dynamic = "force-dynamic";

export default async function EventsPage() {
  const staff = await requirePageStaff("/events");
  const initial = await eventsOverview(ZEventFilters.parse({}));
  return (
    <>
      <PageHeader
        title="Events"
        description="Lifecycle events from product apps: their outbox status, what was sent to HubSpot, and the property mapping."
      />
      <EventsView
        initial={JSON.parse(JSON.stringify(initial)) as typeof initial}
        eventTypes={EVENT_TYPES}
        canSwitchMode={staff.role === "ADMIN"}
        canEditMapping={hasRole(staff.role, "OPERATOR")}
      />
    </>
  );
}
