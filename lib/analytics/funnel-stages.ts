/**
 * The funnel's stages, in order, and what "reached" means for each (documented here because the
 * integration test re-derives every figure from fixtures with these same definitions):
 *
 * - followed: a WechatFollower exists; its time is the first touch (earliest of subscribe / first seen);
 * - code_issued: a UserCode exists for the OpenID (UserCode.issuedAt);
 * - contact_linked: an IdentityLink HUBSPOT for the person (earliest linkedAt);
 * - lead … customer: a linked HubSpot contact whose lifecycle stage is at or beyond that stage
 *   (HubSpot's order; `evangelist` counts as customer); time = hs_lifecyclestage_<stage>_date when
 *   HubSpot provided it, else unknown;
 * - applied / enrolled: a linked OpenApply Application with appliedAt / enrolledAt;
 * - paid: a Stripe Purchase of the person: by the linked contact's id, by the customer mapped to
 *   that contact (ContactCustomerMap), or by an IdentityLink STRIPE customer (earliest paidAt).
 *
 * Each stage counts the people who reached it. Conversion of stage k is the share of the people at
 * stage k−1 who also reached k; the median time is over people with both times known.
 */
export const FUNNEL_STAGES = [
  { key: "followed", label: "WeChat follow" },
  { key: "code_issued", label: "Code issued" },
  { key: "contact_linked", label: "HubSpot contact linked" },
  { key: "lead", label: "Lead" },
  { key: "mql", label: "MQL" },
  { key: "sql", label: "SQL" },
  { key: "opportunity", label: "Opportunity" },
  { key: "customer", label: "Customer" },
  { key: "applied", label: "OpenApply applied" },
  { key: "enrolled", label: "Enrolled" },
  { key: "paid", label: "Paid (Stripe)" },
] as const;

export type TFunnelStageKey = (typeof FUNNEL_STAGES)[number]["key"];

/** HubSpot lifecycle stage → its rank (lead = 1 … customer = 5); anything else 0. */
export const LIFECYCLE_RANK: Record<string, number> = {
  lead: 1,
  marketingqualifiedlead: 2,
  salesqualifiedlead: 3,
  opportunity: 4,
  customer: 5,
  evangelist: 5,
};

export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
