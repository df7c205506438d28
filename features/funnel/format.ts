/** "3.2 h", "2.5 d": a median duration a person can read at a glance. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null) return "—";
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${(seconds / 60).toFixed(1)} min`;
  if (seconds < 86_400) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86_400).toFixed(1)} d`;
}

export function formatPercent(v: number | null): string {
  return v === null ? "—" : `${(v * 100).toFixed(1)}%`;
}
