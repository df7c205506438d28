/** The console's areas, in the order RevOps staff work through them. */
export const NAV_ITEMS = [
  { href: "/", label: "Overview" },
  { href: "/identities", label: "Identities" },
  { href: "/campaigns", label: "Campaigns" },
  { href: "/sync", label: "Sync" },
  { href: "/funnel", label: "Funnel & ROI" },
  { href: "/warehouse", label: "Warehouse" },
  { href: "/imports", label: "Imports" },
  { href: "/events", label: "Events" },
  { href: "/dead-letters", label: "Dead letters" },
  { href: "/settings", label: "Settings" },
] as const;
