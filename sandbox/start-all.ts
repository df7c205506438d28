import { startHubspotSandbox, type THubspotSandbox, type THubspotSandboxOptions } from "./hubspot";
import { startOpenApplySandbox, type TOpenApplySandbox, type TOpenApplySandboxOptions } from "./openapply";
import { startStripeSandbox, type TStripeSandbox, type TStripeSandboxOptions } from "./stripe";
import { startWechatSandbox, type TWechatSandbox, type TWechatSandboxOptions } from "./wechat";

type TProviderOptions<T> = Omit<T, "port" | "host">;

export interface TAllSandboxesOptions {
  host?: string;
  /** Fixed ports for the demo; 0 (the default) picks free ones, for tests and benchmarks. */
  ports?: Partial<Record<"stripe" | "hubspot" | "wechat" | "openapply", number>>;
  stripe?: TProviderOptions<TStripeSandboxOptions>;
  hubspot?: TProviderOptions<THubspotSandboxOptions>;
  wechat?: TProviderOptions<TWechatSandboxOptions>;
  openapply?: TProviderOptions<TOpenApplySandboxOptions>;
}

export interface TAllSandboxes {
  stripe: TStripeSandbox;
  hubspot: THubspotSandbox;
  wechat: TWechatSandbox;
  openapply: TOpenApplySandbox;
  urls: Record<"stripe" | "hubspot" | "wechat" | "openapply", string>;
  close(): Promise<void>;
}

/**
 * Starts the four stand-ins in this process. If one fails to start (a port in use), the ones already
 * running are closed before the error is rethrown, so a retry does not meet its own leftovers.
 */
export async function startAllSandboxes(options: TAllSandboxesOptions = {}): Promise<TAllSandboxes> {
  const host = options.host ?? "127.0.0.1";
  const ports = options.ports ?? {};
  const started: { close(): Promise<void> }[] = [];
  const track = async <T extends { close(): Promise<void> }>(p: Promise<T>): Promise<T> => {
    const s = await p;
    started.push(s);
    return s;
  };
  try {
    const stripe = await track(startStripeSandbox({ ...options.stripe, host, port: ports.stripe ?? 0 }));
    const hubspot = await track(startHubspotSandbox({ ...options.hubspot, host, port: ports.hubspot ?? 0 }));
    const wechat = await track(startWechatSandbox({ ...options.wechat, host, port: ports.wechat ?? 0 }));
    const openapply = await track(
      startOpenApplySandbox({ ...options.openapply, host, port: ports.openapply ?? 0 }),
    );
    return {
      stripe,
      hubspot,
      wechat,
      openapply,
      urls: { stripe: stripe.url, hubspot: hubspot.url, wechat: wechat.url, openapply: openapply.url },
      close: () => closeAll(started),
    };
  } catch (error) {
    await closeAll(started);
    throw error;
  }
}

async function closeAll(list: { close(): Promise<void> }[]): Promise<void> {
  await Promise.allSettled(list.map((s) => s.close()));
}
