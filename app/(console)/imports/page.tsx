import { AreaPending } from "@/components/area-pending";
import { requirePageStaff } from "@/lib/auth/session";

export const metadata = { title: "Imports" };

export default async function Page() {
  await requirePageStaff("/imports");
  return (
    <AreaPending
      title="Imports"
      purpose="CSV imports of companies, contacts and tickets into HubSpot, validated and associated."
      arrivesWith="the CSV bulk import"
    />
  );
}
