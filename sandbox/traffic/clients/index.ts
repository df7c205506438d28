/** The four providers as the generator reaches them, built once per run. */
import { createHubspotClient, type THubspotClient } from "./hubspot";
import { createOpenApplyClient, type TOpenApplyClient } from "./openapply";
import { createStripeClients, type TStripeClients } from "./stripe";
import { createWechatClient, type TWechatClient, type TWechatCredentials } from "./wechat";

export interface TTrafficClients {
  wechat: TWechatClient;
  hubspot: THubspotClient;
  openapply: TOpenApplyClient;
  stripe: TStripeClients;
}

export function createTrafficClients(config: {
  urls: Record<"stripe" | "hubspot" | "wechat" | "openapply", string>;
  wechat: TWechatCredentials;
  stripeKey: string;
  hubspotToken: string;
}): TTrafficClients {
  return {
    wechat: createWechatClient(config.urls.wechat, config.wechat),
    hubspot: createHubspotClient(config.urls.hubspot, config.hubspotToken),
    openapply: createOpenApplyClient(config.urls.openapply),
    stripe: createStripeClients(config.urls.stripe, config.stripeKey),
  };
}

export { ControlCallError, SkipStepError } from "./control-http";
