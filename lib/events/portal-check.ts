/**
 * Checks a send plan against the portal's contact property definitions, the way HubSpot itself
 * would refuse it: unknown property, read-only property, value not an option, not a number / date,
 * upsert key that is not a unique property. Pure (definitions passed in) so it is unit tested and
 * shared by the dry run and the smoke command.
 */
import type { TSendPlan } from "@/lib/events/plan";

export interface TPortalProperty {
  name: string;
  type: string;
  options?: { value: string }[];
  hasUniqueValue?: boolean;
  readOnly?: boolean;
}

export function checkPlanAgainstPortal(plan: TSendPlan, portal: TPortalProperty[]): string[] {
  const byName = new Map(portal.map((p) => [p.name, p]));
  const problems: string[] = [];
  const key = plan.contact.idProperty;
  if (key !== "email") {
    const def = byName.get(key);
    if (!def) problems.push(`upsert key ${key} does not exist on contacts`);
    else if (!def.hasUniqueValue) problems.push(`upsert key ${key} is not a unique-value property`);
  }
  for (const [name, value] of Object.entries(plan.contact.properties)) {
    const def = byName.get(name);
    if (!def) {
      problems.push(`property ${name} does not exist on contacts`);
      continue;
    }
    if (def.readOnly) problems.push(`property ${name} is read-only`);
    if (def.type === "enumeration" && def.options && def.options.length > 0) {
      const allowed = new Set(def.options.map((o) => o.value));
      if (!allowed.has(value))
        problems.push(`property ${name}: ${value} is not one of ${[...allowed].join(", ")}`);
    }
    if (def.type === "number" && !Number.isFinite(Number(value)))
      problems.push(`property ${name}: ${value} is not a number`);
    if (
      (def.type === "date" || def.type === "datetime") &&
      Number.isNaN(Date.parse(value)) &&
      !/^\d+$/.test(value)
    ) {
      problems.push(`property ${name}: ${value} is not a date`);
    }
  }
  return problems;
}
