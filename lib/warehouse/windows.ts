/**
 * How an incremental window over lastmodifieddate is read under the search API's result cap.
 * Pure, so the splitting rule is unit-tested without HubSpot.
 */
export type TWindowPlan =
  { kind: "page" } | { kind: "split"; windows: [number, number][] } | { kind: "keyset" };

/**
 * `total` results in [fromMs, toMs): page through them when within the cap; otherwise split the
 * window in two at its midpoint; a 1 ms window still over the cap can only be read by id (keyset).
 */
export function planWindowSplit(fromMs: number, toMs: number, total: number, cap: number): TWindowPlan {
  if (total <= cap) return { kind: "page" };
  if (toMs - fromMs <= 1) return { kind: "keyset" };
  const mid = fromMs + Math.floor((toMs - fromMs) / 2);
  return {
    kind: "split",
    windows: [
      [fromMs, mid],
      [mid, toMs],
    ],
  };
}
