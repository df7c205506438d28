import Link from "next/link";

/** Funnel and ROI are one console area with two tabs (two URLs, so each can be linked). */
export function FunnelAreaTabs({ current }: { current: "funnel" | "roi" }) {
  const tab = (href: string, label: string, active: boolean) => (
    <Link
      href={href}
      aria-current={active ? "page" : undefined}
      className={`rounded px-3 py-1.5 text-sm ${active ? "bg-brand-600 text-white" : "bg-slate-100 dark:bg-slate-800"}`}
    >
      {label}
    </Link>
  );
  return (
    <nav aria-label="Funnel and ROI" className="mb-4 flex gap-2">
      {tab("/funnel", "Funnel", current === "funnel")}
      {tab("/funnel/roi", "ROI", current === "roi")}
    </nav>
  );
}
