"use client";

import { Card } from "@/components/page-header";
import { useOverview, type TOverview } from "@/features/overview/use-overview";

const STATE_STYLE = {
  connected: "bg-emerald-100 text-emerald-800 dark:bg-emerald-900/40 dark:text-emerald-300",
  sandbox: "bg-amber-100 text-amber-800 dark:bg-amber-900/40 dark:text-amber-300",
  not_connected: "bg-slate-200 text-slate-700 dark:bg-slate-800 dark:text-slate-300",
} as const;

const STATE_LABEL = { connected: "connected", sandbox: "sandbox", not_connected: "not connected" } as const;

function Figure({ label, value, testId }: { label: string; value: string | number; testId: string }) {
  return (
    <div>
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className="text-2xl font-semibold tabular-nums" data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}

function age(iso: string | null, now: string): string {
  if (!iso) return "—";
  const s = Math.max(0, Math.round((Date.parse(now) - Date.parse(iso)) / 1000));
  return s < 120 ? `${s} s` : `${Math.round(s / 60)} min`;
}

export function OverviewView({ initial }: { initial: TOverview }) {
  const { data } = useOverview(initial);
  const { connectors, stats } = data;
  const webhookTotal = stats.webhooks24h.reduce((n, r) => n + r.count, 0);
  const pending = stats.inbox.byStatus.RECEIVED ?? 0;
  const failed = stats.inbox.byStatus.FAILED ?? 0;
  return (
    <div className="grid gap-4">
      <Card title="Connectors">
        <ul className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4" data-testid="connectors">
          {connectors.map((c) => (
            <li key={c.provider} className="rounded-md border border-slate-200 p-3 dark:border-slate-800">
              <div className="flex items-center justify-between">
                <span className="font-medium">{c.label}</span>
                <span
                  className={`rounded px-2 py-0.5 text-xs font-medium ${STATE_STYLE[c.state]}`}
                  data-testid={`connector-${c.provider}`}
                >
                  {STATE_LABEL[c.state]}
                </span>
              </div>
              <p className="mt-1 text-xs text-slate-500">{c.detail}</p>
            </li>
          ))}
        </ul>
      </Card>
      <Card title="Activity">
        <dl className="grid grid-cols-2 gap-4 md:grid-cols-5">
          <Figure label="Webhooks received (24 h)" value={webhookTotal} testId="stat-webhooks-24h" />
          <Figure label="Inbox waiting" value={pending} testId="stat-inbox-pending" />
          <Figure
            label="Oldest waiting"
            value={age(stats.inbox.oldestPendingAt, stats.generatedAt)}
            testId="stat-inbox-oldest"
          />
          <Figure label="Failed deliveries" value={failed} testId="stat-inbox-failed" />
          <Figure label="Active staff" value={stats.staffCount} testId="stat-staff" />
        </dl>
        <p className="mt-3 text-xs text-slate-500" data-testid="webhooks-by-provider">
          {stats.webhooks24h.length === 0
            ? "No webhooks in the last 24 h."
            : `Last 24 h: ${stats.webhooks24h.map((r) => `${r.provider.toLowerCase()} ${r.count}`).join(" · ")}`}
        </p>
        <p className="mt-1 text-xs text-slate-500">
          {stats.auditActions7d} audited actions in the last 7 days · updated{" "}
          {new Date(stats.generatedAt).toLocaleTimeString()}
        </p>
      </Card>
    </div>
  );
}
