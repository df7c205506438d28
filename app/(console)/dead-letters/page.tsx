import { AreaPending } from "@/components/area-pending";
import { requirePageStaff } from "@/lib/auth/session";

export const metadata = { title: "Dead letters" };

export default async function Page() {
  await requirePageStaff("/dead-letters");
  return (
    <AreaPending
      title="Dead letters"
      purpose="Work that ran out of retries, to inspect and replay."
      arrivesWith="the two-way HubSpot ⇄ Stripe sync"
    />
  );
}
