import { describe, expect, it } from "vitest";
import { createRandom } from "./prng";
import { ALL_SCENARIOS, type TScenario } from "./scenarios";
import { chooseNext } from "./scheduler";
import { LIFECYCLE_STAGES, createWorld, type TPersonState, type TWorld } from "./world";

/** A scenario that records nothing and does nothing: enough to test choosing. */
function fake(
  name: string,
  weight: number,
  newcomerShare: number,
  fits: (s: TPersonState) => boolean,
): TScenario {
  return {
    name,
    weight,
    newcomerShare,
    fits,
    plan: (s) => ({ scenario: name, person: s.person, summary: name, run: () => Promise.resolve("") }),
  };
}

/** Plans `n` steps the way the engine does, without running anything. */
function planSteps(world: TWorld, seed: number, n: number) {
  const rng = createRandom(seed).fork("plan");
  const out: { scenario: string; person: string; summary: string }[] = [];
  for (let i = 0; i < n; i++) {
    const c = chooseNext(world, ALL_SCENARIOS, rng);
    if (!c) continue;
    const a = c.scenario.plan(c.state, rng, world);
    out.push({ scenario: a.scenario, person: a.person.key, summary: a.summary });
  }
  return out;
}

describe("chooseNext", () => {
  it("never picks a scenario nobody can do, and follows the weights among the rest", () => {
    const world = createWorld(1);
    for (let i = 0; i < 10; i++) world.addPerson();
    const scenarios = [
      fake("heavy", 3, 0, () => true),
      fake("light", 1, 0, () => true),
      fake("impossible", 50, 0, () => false),
    ];
    const rng = createRandom(4);
    const counts: Record<string, number> = { heavy: 0, light: 0, impossible: 0 };
    for (let i = 0; i < 8_000; i++) counts[chooseNext(world, scenarios, rng)!.scenario.name]!++;
    expect(counts.impossible).toBe(0);
    expect(counts.heavy! / counts.light!).toBeGreaterThan(2.6);
    expect(counts.heavy! / counts.light!).toBeLessThan(3.4);
    expect(world.people).toHaveLength(10);
  });

  it("brings in newcomers when nobody known fits, keeping the ones met on the way", () => {
    const world = createWorld(2026);
    const wechatOnly = fake("follow", 1, 0.5, (s) => s.person.usesWechat && !s.wechat.following);
    const choice = chooseNext(world, [wechatOnly], createRandom(1))!;
    expect(choice.newcomer).toBe(true);
    expect(choice.state.person.usesWechat).toBe(true);
    // Cast members who did not fit (no WeChat) joined the world too and can act elsewhere.
    expect(world.people.at(-1)).toBe(choice.state);
    expect(world.people.slice(0, -1).every((p) => !p.person.usesWechat)).toBe(true);
  });

  it("returns null when nothing is possible", () => {
    expect(chooseNext(createWorld(1), [fake("x", 1, 0, () => true)], createRandom(1))).toBeNull();
    expect(chooseNext(createWorld(1), [], createRandom(1))).toBeNull();
  });
});

describe("the scenario mix", () => {
  it("plans the same steps for the same seed, and other steps for another", () => {
    const a = planSteps(createWorld(99), 99, 300);
    expect(planSteps(createWorld(99), 99, 300)).toEqual(a);
    expect(planSteps(createWorld(100), 100, 300)).not.toEqual(a);
  });

  it("reaches every scenario and keeps every journey in order", () => {
    const world = createWorld(5);
    const steps = planSteps(world, 5, 3_000);
    expect(steps).toHaveLength(3_000);
    const names = new Set(steps.map((s) => s.scenario));
    expect([...names].sort()).toEqual(ALL_SCENARIOS.map((s) => s.name).sort());
    const share = (prefix: string) =>
      steps.filter((s) => s.scenario.startsWith(prefix)).length / steps.length;
    for (const provider of ["wechat.", "hubspot.", "openapply.", "stripe."])
      expect(share(provider)).toBeGreaterThan(0.08);

    // Replay each person's steps: nobody does what their story does not allow yet.
    const byPerson = new Map<string, string[]>();
    for (const s of steps) byPerson.set(s.person, [...(byPerson.get(s.person) ?? []), s.scenario]);
    for (const [, seq] of byPerson) {
      const first = (name: string) => seq.indexOf(name);
      const needs = (later: string, earlier: string) => {
        if (first(later) >= 0) expect(first(earlier)).toBeGreaterThanOrEqual(0);
        if (first(later) >= 0) expect(first(earlier)).toBeLessThan(first(later));
      };
      needs("wechat.get-code", "wechat.follow");
      needs("wechat.unfollow", "wechat.follow");
      needs("hubspot.lifecycle", "hubspot.form");
      needs("openapply.apply", "hubspot.lifecycle");
      needs("openapply.status", "openapply.apply");
      expect(seq.filter((x) => x === "openapply.apply").length).toBeLessThanOrEqual(1);
    }
    for (const p of world.people) {
      expect(p.hubspot.stage).toBeLessThan(LIFECYCLE_STAGES.length);
      if (p.hubspot.stage === LIFECYCLE_STAGES.indexOf("customer")) {
        expect(p.openapply.status === "enrolled" || p.stripe.purchases > 0).toBe(true);
      }
    }
    // Some codes are typed with typos, most are not.
    const withCode = steps.filter((s) => s.summary.includes("with the code"));
    const typos = withCode.filter((s) => s.summary.includes("typo"));
    expect(withCode.length).toBeGreaterThan(50);
    expect(typos.length).toBeGreaterThan(0);
    expect(typos.length / withCode.length).toBeLessThan(0.3);
  });
});
