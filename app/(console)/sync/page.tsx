import { AreaPending } from "@/components/area-pending";
import { requirePageStaff } from "@/lib/auth/session";

export const metadata = { title: "Sync" };

export default async function Page() {
  await requirePageStaff("/sync");
  return (
    <AreaPending
      title="Sync"
      purpose="HubSpot ⇄ Stripe sync health: throughput, backlog, lag, governor usage and mappings."
      arrivesWith="the two-way HubSpot ⇄ Stripe sync"
    />
  );
}
