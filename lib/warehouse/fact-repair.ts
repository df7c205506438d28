import "server-only";
import { db } from "@/lib/db";

/**
 * The repair pass of the trigger-kept warehouse facts (FunnelFact, WarehouseCompanySpend), run in
 * each ingest run's closing step. The triggers recompute in the writing transaction, from a
 * snapshot that cannot see a concurrent transaction's uncommitted rows, so two transactions writing
 * different source rows of one person or company at once can leave a stale fact. Every trigger
 * also notes the keys it wrote (WarehouseFactChange, migration 20261123060000); this pass takes the
 * notes committed so far, resolves them to people and companies as they are now and recomputes
 * those with the triggers' own functions. Set-based: one SQL statement per fact table, work in
 * proportion to what was written since the last pass.
 */

export interface TFactRepair {
  /** People whose funnel facts were recomputed, and how many of those facts were wrong. */
  people: number;
  peopleFixed: number;
  /** Companies whose spend was recomputed, and how many of them had a wrong spend. */
  companies: number;
  companiesFixed: number;
  ms: number;
}

/**
 * `allCompanies`: recompute every company's spend (after a full refresh, whose pages defer spend
 * to this pass); otherwise only the noted ones.
 */
export async function repairWarehouseFacts(opts: { allCompanies: boolean }): Promise<TFactRepair> {
  const t0 = performance.now();
  const [funnel] = await db().$queryRaw<{ people: number; fixed: number }[]>`
    SELECT people, fixed FROM warehouse_repair_funnel_facts()`;
  const [spend] = await db().$queryRaw<{ companies: number; fixed: number }[]>`
    SELECT companies, fixed FROM warehouse_repair_company_spend(${opts.allCompanies})`;
  return {
    people: Number(funnel?.people ?? 0),
    peopleFixed: Number(funnel?.fixed ?? 0),
    companies: Number(spend?.companies ?? 0),
    companiesFixed: Number(spend?.fixed ?? 0),
    ms: Math.round(performance.now() - t0),
  };
}
