import { Card, PageHeader } from "@/components/page-header";
import { CampaignsView } from "@/features/campaigns/campaigns-view";
import { ReplyTemplatesCard } from "@/features/campaigns/reply-templates-card";
import { hasRole } from "@/lib/auth/roles";
import { requirePageStaff } from "@/lib/auth/session";
import { listCampaigns } from "@/lib/campaigns/campaigns";
import { conversationSettings } from "@/lib/wechat/conversation-settings";

export const metadata = { title: "Campaigns" };

export default async function CampaignsPage() {
  const staff = await requirePageStaff("/campaigns");
  const [campaigns, settings] = await Promise.all([listCampaigns(), conversationSettings()]);
  const canEdit = hasRole(staff.role, "OPERATOR");
  return (
    <>
      <PageHeader
        title="Campaigns"
        description="WeChat QR codes per campaign: followers who scan one are attributed to it (first touch)."
      />
      <div className="grid gap-4">
        <Card title="Campaigns">
          <CampaignsView initial={campaigns} canEdit={canEdit} />
        </Card>
        <Card title="Reply templates">
          <ReplyTemplatesCard initial={settings} canEdit={canEdit} />
        </Card>
      </div>
    </>
  );
}
