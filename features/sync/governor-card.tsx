"use client";

import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { Card } from "@/components/page-header";
import { ChartCard } from "@/features/sync/chart-card";
import { hhmm, when } from "@/features/sync/format";
import { bucketKey, type TLiveMetrics } from "@/features/sync/use-sync-metrics";

const slug = (b: { provider: string; bucket: string }) => `${b.provider}-${b.bucket}`.toLowerCase();

/** Each bucket's ceiling (from Settings) against what the governor actually granted. */
export function GovernorCard({ data }: { data: TLiveMetrics }) {
  return (
    <Card title="Rate-limit governor">
      <p className="mb-3 text-xs text-slate-500">
        Ceilings are the saved limits (ADMINs edit them in Settings; the governor reads them on every call).
        Live usage is the governor&apos;s granted-requests counter between two refreshes.
      </p>
      <div className="overflow-x-auto">
        <table className="w-full" data-testid="governor">
          <thead>
            <tr>
              {[
                "Provider",
                "Bucket",
                "Ceiling",
                "Live usage",
                "Granted (total)",
                "429s (total)",
                "Paused until",
              ].map((h) => (
                <th
                  key={h}
                  scope="col"
                  className="px-3 py-2 text-left text-xs font-semibold uppercase tracking-wide text-slate-500"
                >
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {data.governor.map((g) => {
              const rate = data.grantedPerSecond[bucketKey(g)];
              const share = rate === undefined ? null : Math.min(1, rate / g.ratePerSecond);
              return (
                <tr key={bucketKey(g)} className="border-t border-slate-100 dark:border-slate-800">
                  <td className="px-3 py-2 text-sm">{g.provider}</td>
                  <td className="px-3 py-2 text-sm">{g.bucket}</td>
                  <td className="px-3 py-2 text-sm tabular-nums" data-testid={`governor-ceiling-${slug(g)}`}>
                    {g.ratePerSecond} / s (burst {g.burst})
                  </td>
                  <td className="px-3 py-2 text-sm tabular-nums">
                    {rate === undefined ? (
                      <span className="text-slate-500">measuring…</span>
                    ) : (
                      <span className="inline-flex items-center gap-2">
                        <meter
                          min={0}
                          max={1}
                          value={share ?? 0}
                          aria-label={`${g.provider} ${g.bucket}: ${rate.toFixed(1)} of ${g.ratePerSecond} requests per second`}
                          className="h-2 w-20"
                        />
                        {rate.toFixed(1)} / s
                      </span>
                    )}
                  </td>
                  <td className="px-3 py-2 text-sm tabular-nums">{g.grantedTotal}</td>
                  <td className="px-3 py-2 text-sm tabular-nums">{g.throttledTotal}</td>
                  <td className="px-3 py-2 text-sm">
                    {g.pausedUntil && Date.parse(g.pausedUntil) > Date.parse(data.generatedAt)
                      ? when(g.pausedUntil)
                      : "—"}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </Card>
  );
}

/**
 * API calls per second (per-minute average of what the governor granted, every bucket) against each
 * provider's default-bucket limit as it was that minute (the saved limit for minutes without calls),
 * so a lowered limit shows as a step in the ceiling.
 */
export function CallsChart({ data }: { data: TLiveMetrics }) {
  const ceiling = (provider: string) =>
    data.governor.find((g) => g.provider === provider && g.bucket === "default")?.ratePerSecond;
  const hubspotCeiling = ceiling("HUBSPOT");
  const stripeCeiling = ceiling("STRIPE");
  const rows = data.minutes.map((p) => ({
    minute: p.minute,
    hubspot: p.hubspotCalls / 60,
    stripe: p.stripeCalls / 60,
    hubspotLimit: p.hubspotLimitPerSecond ?? hubspotCeiling ?? null,
    stripeLimit: p.stripeLimitPerSecond ?? stripeCeiling ?? null,
    throttled: p.hubspotThrottled + p.stripeThrottled,
  }));
  const total = data.minutes.reduce((n, p) => n + p.hubspotCalls + p.stripeCalls, 0);
  const throttled = rows.reduce((n, r) => n + r.throttled, 0);
  const peak = Math.max(0, ...rows.map((r) => Math.max(r.hubspot, r.stripe)));
  return (
    <ChartCard
      title="Provider calls vs limits"
      testId="chart-calls"
      summary={`${total} API calls in the window (${throttled} answered 429); busiest minute averaged ${peak.toFixed(2)} requests per second. Ceilings now: HubSpot ${hubspotCeiling ?? "—"}/s, Stripe ${stripeCeiling ?? "—"}/s.`}
      empty={total === 0 ? "No HubSpot or Stripe API calls in this window." : null}
      rows={rows}
      columns={[
        { label: "Minute (UTC)", value: (r) => hhmm(r.minute) },
        { label: "HubSpot req/s", value: (r) => r.hubspot.toFixed(2) },
        { label: "HubSpot limit/s", value: (r) => String(r.hubspotLimit ?? "—") },
        { label: "Stripe req/s", value: (r) => r.stripe.toFixed(2) },
        { label: "Stripe limit/s", value: (r) => String(r.stripeLimit ?? "—") },
        { label: "429s", value: (r) => String(r.throttled) },
      ]}
    >
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={rows}>
          <CartesianGrid strokeDasharray="3 3" opacity={0.3} />
          <XAxis dataKey="minute" tickFormatter={hhmm} tick={{ fontSize: 11 }} minTickGap={24} />
          <YAxis
            tick={{ fontSize: 11 }}
            width={40}
            // Quiet minutes average fractions of a request per second: two significant digits fit.
            tickFormatter={(v: number) =>
              v >= 10 ? String(Math.round(v)) : String(Number(v.toPrecision(2)))
            }
          />
          <Tooltip
            labelFormatter={(l: unknown) => (typeof l === "string" ? hhmm(l) : "")}
            formatter={(v) => Number(v).toFixed(2)}
          />
          <Legend />
          <Line
            type="monotone"
            dataKey="hubspot"
            name="HubSpot req/s"
            stroke="#ff7a59"
            dot={false}
            isAnimationActive={false}
          />
          <Line
            type="monotone"
            dataKey="stripe"
            name="Stripe req/s"
            stroke="#635bff"
            dot={false}
            isAnimationActive={false}
          />
          <Line
            type="stepAfter"
            dataKey="hubspotLimit"
            name="HubSpot limit"
            stroke="#ff7a59"
            strokeDasharray="4 4"
            dot={false}
            isAnimationActive={false}
          />
          <Line
            type="stepAfter"
            dataKey="stripeLimit"
            name="Stripe limit"
            stroke="#635bff"
            strokeDasharray="4 4"
            dot={false}
            isAnimationActive={false}
          />
        </LineChart>
      </ResponsiveContainer>
    </ChartCard>
  );
}
