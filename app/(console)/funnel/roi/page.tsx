import { PageHeader } from "@/components/page-header";
import { FunnelAreaTabs } from "@/features/funnel/area-tabs";
import { RoiView } from "@/features/roi/roi-view";
import { listCampaigns } from "@/lib/analytics/campaign-spend";
import { hasRole } from "@/lib/auth/roles";
import { requirePageStaff } from "@/lib/auth/session";

export const metadata = { title: "ROI" };

export default async function RoiPage() {
  const staff = await requirePageStaff("/funnel/roi");
  const campaigns = await listCampaigns();
  return (
    <>
      <PageHeader
        title="Funnel & ROI"
        description="What each campaign's spend bought: leads, applicants and enrolments, revenue from their Stripe purchases and enrolments, per currency."
      />
      <FunnelAreaTabs current="roi" />
      <RoiView
        campaigns={campaigns.map((c) => ({ id: c.id, name: c.name }))}
        canOperate={hasRole(staff.role, "OPERATOR")}
      />
    </>
  );
}
