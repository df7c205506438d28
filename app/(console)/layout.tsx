import { headers } from "next/headers";
import Link from "next/link";
import type { ReactNode } from "react";
import { ConsoleNav } from "@/components/console-nav";
import { SignOutButton } from "@/components/sign-out-button";
import { ThemeToggle } from "@/components/theme-toggle";
import { requirePageStaff } from "@/lib/auth/session";

export const dynamic = "force-dynamic";

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const staff = await requirePageStaff((await headers()).get("x-revbridge-path") ?? "/");
  return (
    <div className="flex min-h-screen flex-col">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-10 focus:bg-white focus:p-2"
      >
        Skip to content
      </a>
      <header className="flex flex-wrap items-center justify-between gap-3 border-b border-slate-200 bg-white px-4 py-3 dark:border-slate-800 dark:bg-slate-900">
        <Link href="/" className="text-lg font-semibold text-brand-600 dark:text-brand-100">
          RevBridge
        </Link>
        <div className="flex items-center gap-3 text-sm">
          <span data-testid="current-user">
            {staff.name ?? staff.email}{" "}
            <span
              className="rounded bg-slate-200 px-1.5 py-0.5 text-xs font-medium dark:bg-slate-800"
              data-testid="current-role"
            >
              {staff.role}
            </span>
          </span>
          <ThemeToggle />
          <SignOutButton />
        </div>
      </header>
      <div className="mx-auto flex w-full max-w-7xl flex-1 flex-col gap-6 p-4 md:flex-row">
        <ConsoleNav />
        <main id="main" className="min-w-0 flex-1">
          {children}
        </main>
      </div>
    </div>
  );
}
