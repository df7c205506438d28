/** The shared base of every stand-in: see README.md in this folder. */
export { createStandIn, type TStandIn, type TStandInOptions } from "./stand-in";
export {
  BodyParseError,
  HttpResponseError,
  emptyResponse,
  jsonResponse,
  textResponse,
  type TErrorWriters,
  type THandler,
  type TMiddleware,
  type TRoute,
  type TStandInRequest,
  type TStandInResponse,
} from "./http-types";
export { createRouter, type TRouteMatch } from "./router";
export { parseControlBody } from "./control-routes";
export {
  FAULT_KINDS,
  ZFaultKind,
  ZFaultSettings,
  createFaultInjector,
  createSeededRandom,
  type TFaultKind,
  type TFaultSettings,
  type TFaultSettingsInput,
} from "./faults";
export type { TCounters } from "./counters";
export {
  createRateLimiter,
  type TRateLimiter,
  type TTakeResult,
  type TWindowConfig,
  type TWindowStatus,
} from "./rate-limiter";
export {
  ZWebhookKnobs,
  createWebhookDeliverer,
  type TDelivererOptions,
  type TDeliveryRecord,
  type TAttemptRecord,
  type TEnqueueInput,
  type TSignInput,
  type TWebhookDeliverer,
  type TWebhookKnobs,
  type TWebhookKnobsInput,
  type TWebhookSigner,
} from "./webhook-deliverer";
