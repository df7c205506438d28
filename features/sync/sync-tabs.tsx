import Link from "next/link";

const TABS = [
  { href: "/sync", label: "Health" },
  { href: "/sync/mappings", label: "Mappings" },
] as const;

/** Health | Mappings, as links (each is its own page, so both are bookmarkable). */
export function SyncTabs({ current }: { current: (typeof TABS)[number]["href"] }) {
  return (
    <nav
      aria-label="Sync sections"
      className="mb-4 flex gap-2 border-b border-slate-200 dark:border-slate-800"
    >
      {TABS.map((t) => (
        <Link
          key={t.href}
          href={t.href}
          aria-current={t.href === current ? "page" : undefined}
          className={`-mb-px border-b-2 px-3 py-2 text-sm ${
            t.href === current
              ? "border-brand-600 font-medium text-brand-700 dark:text-brand-100"
              : "border-transparent text-slate-600 hover:text-slate-900 dark:text-slate-400"
          }`}
        >
          {t.label}
        </Link>
      ))}
    </nav>
  );
}
