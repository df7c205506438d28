/**
 * A scenario is one kind of thing a person does (follow the account, submit a form, pay). Planning is
 * synchronous and deterministic: it reads the world model, draws details from the seeded stream and
 * records the intended effect in the model. Running is the I/O, against the stand-ins.
 */
import type { TPerson } from "../cast";
import type { TTrafficClients } from "../clients";
import type { TRandom } from "../prng";
import type { TSetup } from "../setup";
import type { THandles, TPersonState, TWorld } from "../world";

export interface TActionContext {
  clients: TTrafficClients;
  setup: TSetup;
  handles: THandles;
  world: TWorld;
}

export interface TPlannedAction {
  scenario: string;
  person: TPerson;
  /** What was planned, e.g. `follows via open-day-2026` — the same for the same seed, always. */
  summary: string;
  /** Performs the action; the answer is a short note on how it went (`replied with a code`). */
  run(ctx: TActionContext): Promise<string>;
}

export interface TScenario {
  name: string;
  /** Relative frequency among the scenarios possible at a step. */
  weight: number;
  /** Chance that a newcomer (the next member of the cast) rather than a known person does this; 0 = never. */
  newcomerShare: number;
  /** Whether this person could do it now (by the world model). */
  fits(state: TPersonState): boolean;
  /** Decides the details and records the intended effect in `state`. */
  plan(state: TPersonState, rng: TRandom, world: TWorld): TPlannedAction;
}

/** Helper for scenario modules: one place that builds the action record. */
export function action(
  scenario: string,
  state: TPersonState,
  summary: string,
  run: (ctx: TActionContext) => Promise<string>,
): TPlannedAction {
  return { scenario, person: state.person, summary, run };
}
