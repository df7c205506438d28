/**
 * What the generator believes has happened, person by person. Planning reads and changes only this
 * model, never answers from the stand-ins, so one seed plans the same actions whatever the stand-ins
 * or the app answer. Ids the stand-ins hand back (contact, customer, student) live apart, in handles.
 */
import { createPerson, type TPerson } from "./cast";

export const LIFECYCLE_STAGES = [
  "lead",
  "marketingqualifiedlead",
  "salesqualifiedlead",
  "opportunity",
  "customer",
] as const;
export type TLifecycleStage = (typeof LIFECYCLE_STAGES)[number];

export type TApplicationStatus = "applied" | "admitted" | "wait_listed" | "enrolled" | "withdrawn";

export interface TPersonState {
  person: TPerson;
  wechat: { following: boolean; everFollowed: boolean; scene: string | null; hasCode: boolean };
  hubspot: { submitted: boolean; stage: number; codeSubmitted: boolean };
  openapply: { status: TApplicationStatus | null; codeGiven: boolean };
  stripe: { customer: boolean; purchases: number; invoices: number };
}

/** Ids and codes learnt from the stand-ins and the app while executing; never read by planning. */
export interface THandles {
  hubspotContactId?: string;
  stripeCustomerId?: string;
  studentId?: number;
  /** The code the app issued to this person's OpenID, once seen in a reply or message. */
  issuedCode?: string;
}

export interface TWorld {
  seed: number;
  people: TPersonState[];
  /** Persons in cast order; a newcomer is the next person of the cast. */
  addPerson(): TPersonState;
  handles(person: TPerson): THandles;
}

export function createWorld(seed: number): TWorld {
  const people: TPersonState[] = [];
  const handles = new Map<string, THandles>();
  return {
    seed,
    people,
    addPerson() {
      const state: TPersonState = {
        person: createPerson(seed, people.length),
        wechat: { following: false, everFollowed: false, scene: null, hasCode: false },
        hubspot: { submitted: false, stage: -1, codeSubmitted: false },
        openapply: { status: null, codeGiven: false },
        stripe: { customer: false, purchases: 0, invoices: 0 },
      };
      people.push(state);
      return state;
    },
    handles(person) {
      let h = handles.get(person.key);
      if (!h) {
        h = {};
        handles.set(person.key, h);
      }
      return h;
    },
  };
}
