import { AreaPending } from "@/components/area-pending";
import { requirePageStaff } from "@/lib/auth/session";

export const metadata = { title: "Funnel & ROI" };

export default async function Page() {
  await requirePageStaff("/funnel");
  return (
    <AreaPending
      title="Funnel & ROI"
      purpose="WeChat → HubSpot → OpenApply → Stripe conversion by campaign and cohort, and campaign ROI."
      arrivesWith="the CRM warehouse, funnel and ROI"
    />
  );
}
