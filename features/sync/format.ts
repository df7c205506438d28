/** Display helpers shared by the Sync views (browser-side, no server imports). */
export const hhmm = (iso: string) => new Date(iso).toISOString().slice(11, 16);

export function duration(ms: number | null): string {
  if (ms === null) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 120_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.round(ms / 60_000)} min`;
}

export function ageSeconds(s: number | null): string {
  if (s === null) return "—";
  return duration(s * 1000);
}

export const percent = (r: number | null) => (r === null ? "—" : `${(r * 100).toFixed(1)}%`);

export const when = (iso: string | null) => (iso ? iso.slice(0, 19).replace("T", " ") : "never");
