/**
 * OpenApply: qualified families apply for their child (some typing the WeChat code into the custom
 * field), the admissions office moves students along (applied → admitted → enrolled, some wait-listed
 * or withdrawn). The app notices by polling the students API.
 */
import { formatPhone } from "../cast";
import { OPENAPPLY_CODE_FIELD } from "../catalog";
import { SkipStepError } from "../clients";
import type { TStaffStatus } from "../clients/openapply";
import { planCodeVariant } from "../codes";
import type { TApplicationStatus } from "../world";
import { describeVariant, typeCode } from "./code-entry";
import { action, type TActionContext, type TScenario } from "./types";

/** Where the admissions office may move a student next, and how often. */
const NEXT_STATUS: Partial<Record<TApplicationStatus, { to: TStaffStatus; weight: number }[]>> = {
  applied: [
    { to: "admitted", weight: 65 },
    { to: "wait_listed", weight: 15 },
    { to: "withdrawn", weight: 20 },
  ],
  wait_listed: [
    { to: "admitted", weight: 60 },
    { to: "withdrawn", weight: 40 },
  ],
  admitted: [
    { to: "enrolled", weight: 75 },
    { to: "withdrawn", weight: 25 },
  ],
};

function studentIdOf(ctx: TActionContext): number {
  const id = ctx.handles.studentId;
  if (id === undefined) throw new SkipStepError("no OpenApply student id (the application failed)");
  return id;
}

const apply: TScenario = {
  name: "openapply.apply",
  weight: 5,
  newcomerShare: 0,
  fits: (s) => s.hubspot.submitted && s.hubspot.stage >= 1 && s.openapply.status === null,
  plan(s, rng) {
    const p = s.person;
    const code = s.wechat.hasCode && rng.chance(0.4) ? planCodeVariant(rng) : null;
    const parentEmail = rng.chance(0.85) ? p.email : p.otherEmail;
    const role = rng.pick(["Mother", "Father"]);
    const phone = formatPhone(p.phone, rng.pick(["e164", "spaced"] as const));
    s.openapply = { status: "applied", codeGiven: code !== null };
    const summary = `applies for ${p.child.first} (${p.child.grade})${code ? ` ${describeVariant(code)}` : ""}`;
    return action(apply.name, s, summary, async (ctx) => {
      let note = "";
      const customFields: Record<string, string> = {};
      if (code) {
        const t = await typeCode(ctx, p, code);
        customFields[OPENAPPLY_CODE_FIELD] = t.typed;
        note = `, ${t.note}`;
      }
      const name = p.names[0]!;
      ctx.handles.studentId = await ctx.clients.openapply.apply({
        student: {
          first_name: p.child.first,
          last_name: p.child.last,
          ...(p.child.chinese ? { other_name: p.child.chinese } : {}),
          grade: p.child.grade,
          birth_date: p.child.birthDate,
          enrollment_year: 2026,
          custom_fields: customFields,
        },
        parent: {
          first_name: name.first,
          last_name: name.last,
          email: parentEmail,
          mobile_phone: phone,
          parent_role: role,
        },
      });
      return `student ${ctx.handles.studentId}${note}`;
    });
  },
};

const moveStatus: TScenario = {
  name: "openapply.status",
  weight: 6,
  newcomerShare: 0,
  fits: (s) => s.openapply.status !== null && NEXT_STATUS[s.openapply.status] !== undefined,
  plan(s, rng) {
    const from = s.openapply.status!;
    const { to } = rng.pickWeighted(NEXT_STATUS[from]!, (n) => n.weight);
    s.openapply.status = to;
    return action(
      moveStatus.name,
      s,
      `admissions moves ${s.person.child.first} from ${from} to ${to}`,
      async (ctx) => {
        const id = studentIdOf(ctx);
        await ctx.clients.openapply.setStatus(id, to);
        return `student ${id}`;
      },
    );
  },
};

const fillCode: TScenario = {
  name: "openapply.code",
  weight: 2,
  newcomerShare: 0,
  fits: (s) =>
    s.openapply.status !== null &&
    s.openapply.status !== "withdrawn" &&
    s.wechat.hasCode &&
    !s.openapply.codeGiven,
  plan(s, rng) {
    const code = planCodeVariant(rng);
    s.openapply.codeGiven = true;
    return action(fillCode.name, s, `fills in the application form ${describeVariant(code)}`, async (ctx) => {
      const id = studentIdOf(ctx);
      const t = await typeCode(ctx, s.person, code);
      await ctx.clients.openapply.fillCustomFields(id, { [OPENAPPLY_CODE_FIELD]: t.typed });
      return `student ${id}, ${t.note}`;
    });
  },
};

export const OPENAPPLY_SCENARIOS: readonly TScenario[] = [apply, moveStatus, fillCode];
