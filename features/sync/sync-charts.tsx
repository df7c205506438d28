"use client";

import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { ChartCard } from "@/features/sync/chart-card";
import { duration, hhmm } from "@/features/sync/format";
import type { TMinutePoint } from "@/lib/sync-console/metrics";

const COLORS = { hubspot: "#ff7a59", stripe: "#635bff", ok: "#16a34a", retry: "#f59e0b", dead: "#dc2626" };
const NO_TRAFFIC =
  "No webhooks in this window. Point HubSpot and Stripe webhooks at /api/webhooks/hubspot and /api/webhooks/stripe (or run npm run demo for sandbox traffic).";

const sum = (rows: TMinutePoint[], f: (p: TMinutePoint) => number) => rows.reduce((n, p) => n + f(p), 0);

const axis = { fontSize: 11 };

export function ThroughputChart({ minutes }: { minutes: TMinutePoint[] }) {
  const hs = sum(minutes, (p) => p.hubspotWebhooks);
  const st = sum(minutes, (p) => p.stripeWebhooks);
  return (
    <ChartCard
      title="Webhook throughput per minute"
      testId="chart-throughput"
      summary={`${hs} HubSpot and ${st} Stripe webhooks in the last ${minutes.length} minutes.`}
      empty={hs + st === 0 ? NO_TRAFFIC : null}
      rows={minutes}
      columns={[
        { label: "Minute (UTC)", value: (p) => hhmm(p.minute) },
        { label: "HubSpot", value: (p) => p.hubspotWebhooks },
        { label: "Stripe", value: (p) => p.stripeWebhooks },
      ]}
    >
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={minutes}>
          <CartesianGrid strokeDasharray="3 3" opacity={0.3} />
          <XAxis dataKey="minute" tickFormatter={hhmm} tick={axis} minTickGap={24} />
          <YAxis allowDecimals={false} tick={axis} width={40} />
          <Tooltip labelFormatter={(l: unknown) => (typeof l === "string" ? hhmm(l) : "")} />
          <Legend />
          <Line
            type="monotone"
            dataKey="hubspotWebhooks"
            name="HubSpot"
            stroke={COLORS.hubspot}
            dot={false}
            isAnimationActive={false}
          />
          <Line
            type="monotone"
            dataKey="stripeWebhooks"
            name="Stripe"
            stroke={COLORS.stripe}
            dot={false}
            isAnimationActive={false}
          />
        </LineChart>
      </ResponsiveContainer>
    </ChartCard>
  );
}

export function OutcomesChart({ minutes }: { minutes: TMinutePoint[] }) {
  const ok = sum(minutes, (p) => p.succeeded);
  const retries = sum(minutes, (p) => p.retries);
  const dead = sum(minutes, (p) => p.deadLettered);
  return (
    <ChartCard
      title="Sync outcomes per minute"
      testId="chart-outcomes"
      summary={`${ok} succeeded (applied or correctly skipped), ${retries} failed attempts, ${dead} dead-lettered.`}
      empty={
        ok + retries + dead === 0
          ? "The sync engine recorded no decisions in this window. Once webhooks arrive (or an operator resyncs a mapping), outcomes appear here."
          : null
      }
      rows={minutes}
      columns={[
        { label: "Minute (UTC)", value: (p) => hhmm(p.minute) },
        { label: "Succeeded", value: (p) => p.succeeded },
        { label: "Failed attempts", value: (p) => p.retries },
        { label: "Dead-lettered", value: (p) => p.deadLettered },
      ]}
    >
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={minutes}>
          <CartesianGrid strokeDasharray="3 3" opacity={0.3} />
          <XAxis dataKey="minute" tickFormatter={hhmm} tick={axis} minTickGap={24} />
          <YAxis allowDecimals={false} tick={axis} width={40} />
          <Tooltip labelFormatter={(l: unknown) => (typeof l === "string" ? hhmm(l) : "")} />
          <Legend />
          <Bar dataKey="succeeded" name="Succeeded" stackId="o" fill={COLORS.ok} isAnimationActive={false} />
          <Bar
            dataKey="retries"
            name="Failed attempts"
            stackId="o"
            fill={COLORS.retry}
            isAnimationActive={false}
          />
          <Bar
            dataKey="deadLettered"
            name="Dead-lettered"
            stackId="o"
            fill={COLORS.dead}
            isAnimationActive={false}
          />
        </BarChart>
      </ResponsiveContainer>
    </ChartCard>
  );
}

export function LagChart({
  minutes,
  p50,
  p95,
}: {
  minutes: TMinutePoint[];
  p50: number | null;
  p95: number | null;
}) {
  const withLag = minutes.filter((p) => p.lagP50Ms !== null);
  return (
    <ChartCard
      title="Sync lag (p50 / p95)"
      testId="chart-lag"
      summary={`Over the window: p50 ${duration(p50)}, p95 ${duration(p95)} from the provider's change to our write.`}
      empty={withLag.length === 0 ? "No writes with a known lag in this window yet." : null}
      rows={withLag}
      columns={[
        { label: "Minute (UTC)", value: (p) => hhmm(p.minute) },
        { label: "p50", value: (p) => duration(p.lagP50Ms) },
        { label: "p95", value: (p) => duration(p.lagP95Ms) },
      ]}
    >
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={minutes}>
          <CartesianGrid strokeDasharray="3 3" opacity={0.3} />
          <XAxis dataKey="minute" tickFormatter={hhmm} tick={axis} minTickGap={24} />
          <YAxis tick={axis} width={56} tickFormatter={(v: number) => duration(v)} />
          <Tooltip
            labelFormatter={(l: unknown) => (typeof l === "string" ? hhmm(l) : "")}
            formatter={(v) => duration(Number(v))}
          />
          <Legend />
          <Line
            type="monotone"
            dataKey="lagP50Ms"
            name="p50"
            stroke="#0ea5e9"
            // Lag exists only in minutes with writes: dots keep a lone minute visible.
            dot={{ r: 2 }}
            connectNulls
            isAnimationActive={false}
          />
          <Line
            type="monotone"
            dataKey="lagP95Ms"
            name="p95"
            stroke="#7c3aed"
            // Lag exists only in minutes with writes: dots keep a lone minute visible.
            dot={{ r: 2 }}
            connectNulls
            isAnimationActive={false}
          />
        </LineChart>
      </ResponsiveContainer>
    </ChartCard>
  );
}
