import { Card, PageHeader } from "@/components/page-header";

/**
 * An area whose feature has not shipped yet says so plainly — no mock figures. Each feature
 * replaces its page when it lands.
 */
export function AreaPending({ title, purpose, arrivesWith }: { title: string; purpose: string; arrivesWith: string }) {
  return (
    <>
      <PageHeader title={title} description={purpose} />
      <Card>
        <p className="text-sm" data-testid="area-pending">
          Not available yet: this area arrives with {arrivesWith}. Nothing here is simulated.
        </p>
      </Card>
    </>
  );
}
