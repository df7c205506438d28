import { AreaPending } from "@/components/area-pending";
import { requirePageStaff } from "@/lib/auth/session";

export const metadata = { title: "Events" };

export default async function Page() {
  await requirePageStaff("/events");
  return (
    <AreaPending
      title="Events"
      purpose="Lifecycle events from product apps, their outbox status and the property mapping."
      arrivesWith="the lifecycle events API"
    />
  );
}
