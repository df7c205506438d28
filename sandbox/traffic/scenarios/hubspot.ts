/**
 * HubSpot: parents submit the enquiry and open-day forms (some with the WeChat code in `wechat_code`),
 * and the admissions team moves them through the lifecycle and tidies their records. The app sees all
 * of it as contact.creation / contact.propertyChange webhooks with changeSource FORM or CRM_UI.
 */
import { formatName, formatPhone, type TRegion } from "../cast";
import { FORMS, SALESPEOPLE } from "../catalog";
import { SkipStepError } from "../clients";
import { planCodeVariant, type TCodeVariant } from "../codes";
import type { TRandom } from "../prng";
import { LIFECYCLE_STAGES, type TPersonState } from "../world";
import { describeVariant, typeCode } from "./code-entry";
import { action, type TActionContext, type TScenario } from "./types";

const CITY: Record<TRegion, string[]> = {
  cn: ["Shanghai", "上海", "Suzhou", "Hangzhou"],
  hk: ["Hong Kong", "Kowloon", "Shenzhen"],
  uk: ["London", "Manchester", "Edinburgh"],
};

const LEAD_STATUSES = ["ATTEMPTED_TO_CONTACT", "CONNECTED", "IN_PROGRESS", "OPEN_DEAL"] as const;

function contactIdOf(ctx: TActionContext): string {
  const id = ctx.handles.hubspotContactId;
  if (!id) throw new SkipStepError("no HubSpot contact id (its form submission failed)");
  return id;
}

function planPhoneStyle(rng: TRandom) {
  return rng.pickWeighted(["e164", "spaced", "local"] as const, (s) => ({ e164: 3, spaced: 4, local: 3 })[s]);
}

/** The code, if this submission carries one: planned only when the person has one to type. */
function planCode(s: TPersonState, rng: TRandom, probability: number): TCodeVariant | null {
  return s.wechat.hasCode && !s.hubspot.codeSubmitted && rng.chance(probability)
    ? planCodeVariant(rng)
    : null;
}

async function submit(
  ctx: TActionContext,
  s: TPersonState,
  formId: string,
  properties: Record<string, string>,
  code: TCodeVariant | null,
) {
  let note = "";
  if (code) {
    const t = await typeCode(ctx, s.person, code);
    properties.wechat_code = t.typed;
    note = `, ${t.note}`;
  }
  ctx.handles.hubspotContactId = await ctx.clients.hubspot.submitForm(formId, s.person.email, properties);
  return `contact ${ctx.handles.hubspotContactId}${note}`;
}

const firstForm: TScenario = {
  name: "hubspot.form",
  weight: 12,
  newcomerShare: 0.35,
  fits: (s) => !s.hubspot.submitted,
  plan(s, rng) {
    const p = s.person;
    // Chinese-speaking parents sometimes type their name in characters.
    const name = p.names.length > 1 && rng.chance(0.25) ? p.names[1]! : p.names[0]!;
    const phone = formatPhone(p.phone, planPhoneStyle(rng));
    const city = rng.pick(CITY[p.region]);
    const formId = s.wechat.scene === "open-day-2026" || rng.chance(0.3) ? FORMS.openDay : FORMS.enquiry;
    const code = planCode(s, rng, 0.75);
    s.hubspot = { submitted: true, stage: 0, codeSubmitted: code !== null };
    const which = formId === FORMS.openDay ? "open-day" : "enquiry";
    const summary = `submits the ${which} form as ${formatName(name)}${code ? ` ${describeVariant(code)}` : ""}`;
    return action(firstForm.name, s, summary, (ctx) =>
      submit(
        ctx,
        s,
        formId,
        { firstname: name.first, lastname: name.last, phone, city, lifecyclestage: "lead" },
        code,
      ),
    );
  },
};

const formAgain: TScenario = {
  name: "hubspot.form-again",
  weight: 3,
  newcomerShare: 0,
  fits: (s) => s.hubspot.submitted,
  plan(s, rng) {
    const phone = formatPhone(s.person.phone, planPhoneStyle(rng));
    const code = planCode(s, rng, 0.8);
    if (code) s.hubspot.codeSubmitted = true;
    const summary = `registers for the open day again${code ? ` ${describeVariant(code)}` : ""}`;
    return action(formAgain.name, s, summary, (ctx) => submit(ctx, s, FORMS.openDay, { phone }, code));
  },
};

const lifecycle: TScenario = {
  name: "hubspot.lifecycle",
  weight: 9,
  newcomerShare: 0,
  // A contact becomes a customer only once the family enrols or pays.
  fits: (s) =>
    s.hubspot.submitted &&
    (s.hubspot.stage < 3 ||
      (s.hubspot.stage === 3 && (s.openapply.status === "enrolled" || s.stripe.purchases > 0))),
  plan(s, rng) {
    s.hubspot.stage += 1;
    const stage = LIFECYCLE_STAGES[s.hubspot.stage]!;
    const who = rng.pick(SALESPEOPLE);
    return action(lifecycle.name, s, `${who.name} moves the contact to ${stage}`, async (ctx) => {
      const id = contactIdOf(ctx);
      await ctx.clients.hubspot.editAsSalesperson(id, who.userId, { lifecyclestage: stage });
      return `contact ${id}`;
    });
  },
};

const salespersonEdit: TScenario = {
  name: "hubspot.salesperson-edit",
  weight: 4,
  newcomerShare: 0,
  fits: (s) => s.hubspot.submitted,
  plan(s, rng) {
    const p = s.person;
    const who = rng.pick(SALESPEOPLE);
    const kind = rng.pickWeighted(
      ["name", "phone", "city", "lead-status"] as const,
      (k) => ({ name: 3, phone: 3, city: 1, "lead-status": 3 })[k],
    );
    let properties: Record<string, string>;
    let what: string;
    if (kind === "name") {
      const n = rng.pick(p.names);
      properties = { firstname: n.first, lastname: n.last };
      what = `renames the contact ${formatName(n)}`;
    } else if (kind === "phone") {
      properties = { phone: formatPhone(p.phone, "e164") };
      what = "cleans up the phone number";
    } else if (kind === "city") {
      const city = rng.pick(CITY[p.region]);
      properties = { city };
      what = `sets the city to ${city}`;
    } else {
      const status = rng.pick(LEAD_STATUSES);
      properties = { hs_lead_status: status };
      what = `sets the lead status to ${status}`;
    }
    return action(salespersonEdit.name, s, `${who.name} ${what}`, async (ctx) => {
      const id = contactIdOf(ctx);
      await ctx.clients.hubspot.editAsSalesperson(id, who.userId, properties);
      return `contact ${id}`;
    });
  },
};

export const HUBSPOT_SCENARIOS: readonly TScenario[] = [firstForm, formAgain, lifecycle, salespersonEdit];
