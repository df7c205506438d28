import { AreaPending } from "@/components/area-pending";
import { requirePageStaff } from "@/lib/auth/session";

export const metadata = { title: "Warehouse" };

export default async function Page() {
  await requirePageStaff("/warehouse");
  return (
    <AreaPending
      title="Warehouse"
      purpose="HubSpot contacts, companies and deals joined with users and teams: lifetime spend, team spending, company deals."
      arrivesWith="the CRM warehouse"
    />
  );
}
