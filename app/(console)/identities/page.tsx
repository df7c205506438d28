import { AreaPending } from "@/components/area-pending";
import { requirePageStaff } from "@/lib/auth/session";

export const metadata = { title: "Identities" };

export default async function Page() {
  await requirePageStaff("/identities");
  return (
    <AreaPending
      title="Identities"
      purpose="WeChat followers, their codes and the HubSpot, OpenApply and Stripe records linked to them."
      arrivesWith="WeChat “Get My Code” and identity matching"
    />
  );
}
