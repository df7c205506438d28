"use client";

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

/** Spend against revenue per campaign, in one currency (sums never mix currencies). */
export function RoiChart({
  data,
  currency,
}: {
  data: { campaign: string; spend: number; revenue: number }[];
  currency: string;
}) {
  return (
    <figure
      data-testid="roi-chart"
      aria-label={`Spend and revenue per campaign in ${currency}`}
      className="h-72 w-full"
    >
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="campaign" tick={{ fontSize: 11 }} />
          <YAxis tick={{ fontSize: 11 }} />
          <Tooltip />
          <Legend />
          <Bar dataKey="spend" name={`Spend (${currency})`} fill="#f97316" isAnimationActive={false} />
          <Bar dataKey="revenue" name={`Revenue (${currency})`} fill="#16a34a" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}
