/**
 * Out-of-order and repeated events (pure): each side's newest applied provider timestamp is kept on
 * the mapping (ContactCustomerMap.hubspotUpdatedAt / stripeUpdatedAt). An event that happened at or
 * before it describes a state already synced (or an older one) and is skipped.
 */
export function isStale(
  eventAtMs: number,
  appliedAt: Date | null | undefined,
  /** Stripe's `created` has one-second resolution: two changes in one second must both pass, so compare strictly. */
  granularity: "ms" | "s" = "ms",
): boolean {
  if (appliedAt == null) return false;
  return granularity === "ms" ? eventAtMs <= appliedAt.getTime() : eventAtMs < appliedAt.getTime();
}

/** The later of two instants (null-safe), for advancing the applied timestamp monotonically. */
export function later(a: Date | null | undefined, b: Date): Date {
  return a && a.getTime() > b.getTime() ? a : b;
}
