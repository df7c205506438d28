import { OBJECT_TYPE_INFO, type TObjectType } from "./object-types";

/**
 * HubSpot-defined association types between the standard objects. Each entry is one direction; the
 * reverse type is created alongside, as HubSpot keeps both directions of a pair in step.
 * `unlabeled` is the default type v4's "default" endpoints use; `primary` is the "Primary" label.
 */
interface TPairTypes {
  unlabeled: number;
  primary?: number;
  name: string;
}

const PAIRS: Partial<Record<TObjectType, Partial<Record<TObjectType, TPairTypes>>>> = {
  contacts: {
    companies: { unlabeled: 279, primary: 1, name: "contact_to_company" },
    deals: { unlabeled: 4, name: "contact_to_deal" },
    tickets: { unlabeled: 15, name: "contact_to_ticket" },
    notes: { unlabeled: 201, name: "contact_to_note" },
  },
  companies: {
    contacts: { unlabeled: 280, primary: 2, name: "company_to_contact" },
    deals: { unlabeled: 342, primary: 6, name: "company_to_deal" },
    tickets: { unlabeled: 340, primary: 25, name: "company_to_ticket" },
    notes: { unlabeled: 189, name: "company_to_note" },
  },
  deals: {
    contacts: { unlabeled: 3, name: "deal_to_contact" },
    companies: { unlabeled: 341, primary: 5, name: "deal_to_company" },
    tickets: { unlabeled: 27, name: "deal_to_ticket" },
    notes: { unlabeled: 213, name: "deal_to_note" },
  },
  tickets: {
    contacts: { unlabeled: 16, name: "ticket_to_contact" },
    companies: { unlabeled: 339, primary: 26, name: "ticket_to_company" },
    deals: { unlabeled: 28, name: "ticket_to_deal" },
    notes: { unlabeled: 227, name: "ticket_to_note" },
  },
  notes: {
    contacts: { unlabeled: 202, name: "note_to_contact" },
    companies: { unlabeled: 190, name: "note_to_company" },
    deals: { unlabeled: 214, name: "note_to_deal" },
    tickets: { unlabeled: 228, name: "note_to_ticket" },
  },
};

export interface TAssociationType {
  category: "HUBSPOT_DEFINED";
  typeId: number;
  label: string | null;
}

export function pairTypes(from: TObjectType, to: TObjectType): TPairTypes | undefined {
  return PAIRS[from]?.[to];
}

/** The reverse of a type id for the pair (e.g. 279 contact→company ↔ 280 company→contact). */
function reverseTypeId(from: TObjectType, to: TObjectType, typeId: number): number | undefined {
  const fwd = pairTypes(from, to);
  const back = pairTypes(to, from);
  if (!fwd || !back) return undefined;
  if (typeId === fwd.unlabeled) return back.unlabeled;
  if (fwd.primary !== undefined && typeId === fwd.primary) return back.primary ?? back.unlabeled;
  return undefined;
}

export function isValidTypeId(from: TObjectType, to: TObjectType, typeId: number): boolean {
  const p = pairTypes(from, to);
  return p !== undefined && (typeId === p.unlabeled || typeId === p.primary);
}

export function describeType(from: TObjectType, to: TObjectType, typeId: number): TAssociationType {
  const p = pairTypes(from, to);
  return { category: "HUBSPOT_DEFINED", typeId, label: p?.primary === typeId ? "Primary" : null };
}

/** Associations as `from:id → to:id → type ids`, both directions stored. */
export function createAssociationStore() {
  const edges = new Map<string, Map<string, Set<number>>>();

  const key = (t: TObjectType, id: string) => `${t}:${id}`;

  function addOne(from: TObjectType, fromId: string, to: TObjectType, toId: string, typeId: number): void {
    const k = key(from, fromId);
    let targets = edges.get(k);
    if (!targets) edges.set(k, (targets = new Map<string, Set<number>>()));
    const tk = key(to, toId);
    let types = targets.get(tk);
    if (!types) targets.set(tk, (types = new Set()));
    types.add(typeId);
  }

  /** Adds the type and its reverse. A primary label implies the unlabeled type too, as in HubSpot. */
  function associate(from: TObjectType, fromId: string, to: TObjectType, toId: string, typeId: number): void {
    const p = pairTypes(from, to);
    const ids = p && typeId === p.primary ? [typeId, p.unlabeled] : [typeId];
    for (const id of ids) {
      addOne(from, fromId, to, toId, id);
      const back = reverseTypeId(from, to, id);
      if (back !== undefined) addOne(to, toId, from, fromId, back);
    }
  }

  function remove(from: TObjectType, fromId: string, to: TObjectType, toId: string): void {
    edges.get(key(from, fromId))?.delete(key(to, toId));
    edges.get(key(to, toId))?.delete(key(from, fromId));
  }

  /** Targets of one type, in id order. */
  function list(
    from: TObjectType,
    fromId: string,
    to: TObjectType,
  ): { toId: string; types: TAssociationType[] }[] {
    const out: { toId: string; types: TAssociationType[] }[] = [];
    for (const [tk, types] of edges.get(key(from, fromId)) ?? []) {
      const [t, id] = tk.split(":") as [TObjectType, string];
      if (t !== to) continue;
      out.push({
        toId: id,
        types: [...types].sort((a, b) => a - b).map((typeId) => describeType(from, to, typeId)),
      });
    }
    return out.sort((a, b) => Number(a.toId) - Number(b.toId));
  }

  /** Moves every association of `fromId` to `toId` (after a merge), keeping the types. */
  function moveAll(objectType: TObjectType, fromId: string, toId: string): void {
    const targets = edges.get(key(objectType, fromId));
    if (!targets) return;
    for (const [tk, types] of targets) {
      const [t, id] = tk.split(":") as [TObjectType, string];
      for (const typeId of types) {
        if (pairTypes(objectType, t)?.primary === typeId) continue;
        associate(objectType, toId, t, id, typeId);
      }
      remove(objectType, fromId, t, id);
    }
  }

  return { associate, remove, list, moveAll, reset: () => edges.clear() };
}

export type TAssociationStore = ReturnType<typeof createAssociationStore>;

export function typeIdOf(t: TObjectType): string {
  return OBJECT_TYPE_INFO[t].typeId;
}
