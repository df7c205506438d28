import { PageHeader } from "@/components/page-header";
import { IdentitiesView } from "@/features/identities/identities-view";
import { hasRole } from "@/lib/auth/roles";
import { requirePageStaff } from "@/lib/auth/session";
import { listReviews } from "@/lib/identity/review-queue";
import { searchIdentities } from "@/lib/identity/search";
import { readIdentitySettings } from "@/lib/identity/settings";

export const metadata = { title: "Identities" };
export const dynamic = "force-dynamic";

export default async function IdentitiesPage() {
  const staff = await requirePageStaff("/identities");
  const [people, reviews, settings] = await Promise.all([
    searchIdentities(""),
    listReviews({ status: "OPEN" }),
    readIdentitySettings(),
  ]);
  return (
    <>
      <PageHeader
        title="Identities"
        description="WeChat followers, their codes and the HubSpot, OpenApply and Stripe records linked to them."
      />
      <IdentitiesView
        initialPeople={people}
        initialReviews={reviews}
        canDecide={hasRole(staff.role, "OPERATOR")}
        settings={settings}
        canEditSettings={hasRole(staff.role, "ADMIN")}
      />
    </>
  );
}
