"use client";

import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { TStage } from "./hooks";

/** People per stage (all groups together). The table beside it carries the same figures as text. */
export function FunnelChart({ stages }: { stages: TStage[] }) {
  return (
    <figure data-testid="funnel-chart" aria-label="People reaching each funnel stage" className="h-80 w-full">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={stages} margin={{ top: 8, right: 16, bottom: 48, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis
            dataKey="label"
            angle={-30}
            textAnchor="end"
            interval={0}
            height={60}
            tick={{ fontSize: 11 }}
          />
          <YAxis allowDecimals={false} tick={{ fontSize: 11 }} />
          <Tooltip />
          <Bar dataKey="count" name="People" fill="#2563eb" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}
