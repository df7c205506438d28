/**
 * The school the demo plays: its WeChat campaigns, web forms, sales team and price list. Setup makes
 * the stand-ins know them (QR codes, Stripe prices); scenarios refer to them by key.
 */

export interface TCampaign {
  scene: string;
  /** Printed posters and articles use permanent codes; a one-off event a 30-day one. */
  permanent: boolean;
  /** Relative share of follows that come through this campaign. */
  weight: number;
}

export const CAMPAIGNS: readonly TCampaign[] = [
  { scene: "open-day-2026", permanent: true, weight: 30 },
  { scene: "wechat-article-ib", permanent: true, weight: 25 },
  { scene: "kol-shanghai", permanent: true, weight: 20 },
  { scene: "hk-info-session", permanent: false, weight: 10 },
];

/** Follows without a campaign code (found by searching the account name). */
export const DIRECT_FOLLOW_WEIGHT = 15;

export const FORMS = {
  enquiry: "3f6d2a10-7b1c-4c55-9a0e-enquiry2026",
  openDay: "8c41e9b2-55d0-4f7a-b3c1-openday2026",
} as const;

/** HubSpot users (CRM_UI `sourceId: userId:n`) who work the admissions pipeline. */
export const SALESPEOPLE = [
  { userId: 1001, name: "Amy Chen" },
  { userId: 1002, name: "Tom Wright" },
  { userId: 1003, name: "李娜 Li Na" },
] as const;

export type TProductKey = "application_fee" | "open_day_workshop" | "summer_camp" | "enrolment_deposit";

export interface TProduct {
  key: TProductKey;
  name: string;
  /** In fen (CNY minor units), as Stripe takes amounts. */
  unitAmount: number;
  /** Stripe `lookup_key`: setup finds an existing price by it instead of creating another. */
  lookupKey: string;
}

export const CURRENCY = "cny";

export const PRODUCTS: Record<TProductKey, TProduct> = {
  application_fee: {
    key: "application_fee",
    name: "Application fee 2026/27",
    unitAmount: 150_000,
    lookupKey: "revbridge_demo_application_fee",
  },
  open_day_workshop: {
    key: "open_day_workshop",
    name: "Open Day STEM workshop",
    unitAmount: 20_000,
    lookupKey: "revbridge_demo_open_day_workshop",
  },
  summer_camp: {
    key: "summer_camp",
    name: "Summer camp 2026 (2 weeks)",
    unitAmount: 880_000,
    lookupKey: "revbridge_demo_summer_camp",
  },
  enrolment_deposit: {
    key: "enrolment_deposit",
    name: "Enrolment deposit",
    unitAmount: 3_000_000,
    lookupKey: "revbridge_demo_enrolment_deposit",
  },
};

/** A term's tuition instalment, invoiced to enrolling families. */
export const TUITION_INSTALMENT = { description: "Tuition 2026/27 — Term 1", amount: 6_500_000 };

/** The OpenApply custom field parents type the WeChat code into. */
export const OPENAPPLY_CODE_FIELD = "wechat_code";
