/** Every scenario the generator can pick, by provider. */
import { HUBSPOT_SCENARIOS } from "./hubspot";
import { OPENAPPLY_SCENARIOS } from "./openapply";
import { STRIPE_SCENARIOS } from "./stripe";
import type { TScenario } from "./types";
import { WECHAT_SCENARIOS } from "./wechat";

export const ALL_SCENARIOS: readonly TScenario[] = [
  ...WECHAT_SCENARIOS,
  ...HUBSPOT_SCENARIOS,
  ...OPENAPPLY_SCENARIOS,
  ...STRIPE_SCENARIOS,
];

export type { TActionContext, TPlannedAction, TScenario } from "./types";
