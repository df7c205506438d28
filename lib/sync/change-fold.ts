/**
 * Folding a batch's events per object (pure), the same way in both directions: a batch may hold
 * several changes of one contact or customer, and the engine decides once per object.
 */
export interface TFoldedChange {
  /** The newest provider time among the object's events (ms or s, as the direction counts it). */
  at: number;
  /** A resync or replay is among them: bypass echo, staleness and "unchanged". */
  force: boolean;
  /** Every event was made by RevBridge's own writes (an echo) — one foreign event makes it real. */
  own: boolean;
  /** Some event names another author (a person, an import, another integration): a real change. */
  foreign: boolean;
  webhookEventId?: string;
}

export function foldChange(prev: TFoldedChange | undefined, next: TFoldedChange): TFoldedChange {
  return {
    at: Math.max(prev?.at ?? 0, next.at),
    force: (prev?.force ?? false) || next.force,
    own: (prev?.own ?? true) && next.own,
    foreign: (prev?.foreign ?? false) || next.foreign,
    webhookEventId: prev?.webhookEventId ?? next.webhookEventId,
  };
}
