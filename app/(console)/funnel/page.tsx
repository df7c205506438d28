import { PageHeader } from "@/components/page-header";
import { FunnelAreaTabs } from "@/features/funnel/area-tabs";
import { FunnelView } from "@/features/funnel/funnel-view";
import { requirePageStaff } from "@/lib/auth/session";

export const metadata = { title: "Funnel" };

export default async function FunnelPage() {
  await requirePageStaff("/funnel");
  return (
    <>
      <PageHeader
        title="Funnel & ROI"
        description="WeChat follow → code → HubSpot contact → lifecycle stages → OpenApply → enrolled → paid, by campaign and by cohort of first touch."
      />
      <FunnelAreaTabs current="funnel" />
      <FunnelView />
    </>
  );
}
