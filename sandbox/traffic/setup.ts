/**
 * What must exist before people act: the targets must be sandboxes (never a real provider), the
 * campaign QR codes, HubSpot's custom contact properties and the Stripe price list. Idempotent: run
 * again after a sandbox reset, it recreates what is gone and reuses what is there.
 */
import { z } from "zod";
import { CAMPAIGNS, CURRENCY, PRODUCTS, type TProductKey } from "./catalog";
import type { TTrafficClients } from "./clients";
import { ControlCallError, callJson } from "./clients/control-http";

export type TSandboxName = "stripe" | "hubspot" | "wechat" | "openapply";

export interface TSetup {
  /** Campaign scene → QR ticket (what a phone scans). */
  tickets: Record<string, string>;
  prices: Record<TProductKey, string>;
  createdProperties: string[];
}

const ZHealth = z.object({ name: z.string(), ok: z.literal(true) });

/** Refuses to drive anything that is not the named stand-in: real providers have no `/__sandbox/`. */
async function assertSandbox(name: TSandboxName, baseUrl: string): Promise<void> {
  let health: z.infer<typeof ZHealth>;
  try {
    health = await callJson(baseUrl, "GET", "/__sandbox/health", ZHealth);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new ControlCallError(0, `${name} at ${baseUrl} is not a running sandbox (${why})`);
  }
  if (health.name !== name)
    throw new ControlCallError(0, `${baseUrl} is the ${health.name} sandbox, not ${name}`);
}

async function ensurePrices(clients: TTrafficClients): Promise<Record<TProductKey, string>> {
  const stripe = clients.stripe.sdk;
  const products = Object.values(PRODUCTS);
  const found = await stripe.prices.list({
    lookup_keys: products.map((p) => p.lookupKey),
    active: true,
    limit: 100,
  });
  const byKey = new Map(found.data.map((p) => [p.lookup_key, p.id]));
  const prices = {} as Record<TProductKey, string>;
  for (const p of products) {
    let id = byKey.get(p.lookupKey);
    if (!id) {
      const created = await stripe.prices.create({
        currency: CURRENCY,
        unit_amount: p.unitAmount,
        lookup_key: p.lookupKey,
        product_data: { name: p.name },
      });
      id = created.id;
    }
    prices[p.key] = id;
  }
  return prices;
}

export async function runSetup(
  clients: TTrafficClients,
  urls: Record<TSandboxName, string>,
): Promise<TSetup> {
  for (const name of ["stripe", "hubspot", "wechat", "openapply"] as const)
    await assertSandbox(name, urls[name]);
  const tickets: Record<string, string> = {};
  for (const c of CAMPAIGNS) tickets[c.scene] = await clients.wechat.createQrCode(c.scene, c.permanent);
  const createdProperties = await clients.hubspot.ensureContactProperties();
  const prices = await ensurePrices(clients);
  return { tickets, prices, createdProperties };
}
