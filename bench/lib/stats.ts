/**
 * Percentiles for benchmark figures (nearest-rank), shared so every scenario reports them the same way.
 */

/** Nearest-rank percentile of an ascending array; 0 when empty. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}
