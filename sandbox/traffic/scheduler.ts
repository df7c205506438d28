/**
 * Picks what happens next: a scenario by weight among those someone could do now, then who does it —
 * a person already met, or a newcomer from the cast. Pure apart from the world model and the seeded
 * stream, so the same seed picks the same sequence.
 */
import type { TRandom } from "./prng";
import type { TScenario } from "./scenarios";
import type { TPersonState, TWorld } from "./world";

export interface TChoice {
  scenario: TScenario;
  state: TPersonState;
  newcomer: boolean;
}

/**
 * How many cast members to meet looking for a newcomer who fits (a scenario for WeChat followers
 * skips parents without WeChat). Those met stay in the world and act in other scenarios later.
 */
const NEWCOMER_TRIES = 5;

export function chooseNext(world: TWorld, scenarios: readonly TScenario[], rng: TRandom): TChoice | null {
  const options = scenarios
    .map((scenario) => ({ scenario, people: world.people.filter((p) => scenario.fits(p)) }))
    .filter((o) => o.scenario.weight > 0 && (o.people.length > 0 || o.scenario.newcomerShare > 0));
  if (options.length === 0) return null;
  const { scenario, people } = rng.pickWeighted(options, (o) => o.scenario.weight);
  const wantsNewcomer =
    scenario.newcomerShare > 0 && (people.length === 0 || rng.chance(scenario.newcomerShare));
  if (wantsNewcomer) {
    for (let i = 0; i < NEWCOMER_TRIES; i++) {
      const state = world.addPerson();
      if (scenario.fits(state)) return { scenario, state, newcomer: true };
    }
  }
  if (people.length === 0) return null;
  return { scenario, state: rng.pick(people), newcomer: false };
}
