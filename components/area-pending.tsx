import type { Metadata } from "next";
import { Card, PageHeader } from "@/components/page-header";
import { requirePageStaff } from "@/lib/auth/session";

/**
 * Console areas whose feature has not shipped yet. Each says so plainly — no mock figures — and is
 * replaced by its real page when its issue lands.
 */
// Every area has shipped; kept (typed, empty) for areas added later.
const PENDING: Record<string, { title: string; purpose: string; arrivesWith: string }> = {};

/** What a pending area's page module exports: its metadata and the page component. */
export function pendingArea(slug: keyof typeof PENDING): {
  metadata: Metadata;
  Page: () => Promise<React.JSX.Element>;
} {
  const area = PENDING[slug]!;
  async function Page() {
    await requirePageStaff(`/${slug}`);
    return (
      <>
        <PageHeader title={area.title} description={area.purpose} />
        <Card>
          <p className="text-sm" data-testid="area-pending">
            Not available yet: this area arrives with {area.arrivesWith}. Nothing here is simulated.
          </p>
        </Card>
      </>
    );
  }
  return { metadata: { title: area.title }, Page };
}
