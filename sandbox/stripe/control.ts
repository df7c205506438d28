/**
 * Stripe-specific sandbox controls under `/__sandbox/stripe/`: play the buyer on a Checkout Session
 * (JSON for tests, a minimal hosted page for demos), and change settings live.
 */
import { z } from "zod";
import {
  jsonResponse,
  parseControlBody,
  textResponse,
  type TRoute,
  type TStandInResponse,
} from "@/sandbox/core";
import { completeCheckoutSession, publicSession } from "./checkout";
import { StripeApiError } from "./errors";
import type { TStripeHttpSettings } from "./http";
import { asText, type TStripeState } from "./state";

const ZCompleteBody = z
  .object({
    email: z.email().optional(),
    name: z.string().min(1).max(200).optional(),
    /** A Stripe test payment method, e.g. `pm_card_chargeDeclined` to decline. */
    paymentMethod: z.string().startsWith("pm_").optional(),
  })
  .strict();

const ZSettingsBody = z
  .object({
    apiKey: z.string().min(1).nullable().optional(),
    rateLimitPerSecond: z.number().int().min(1).max(100_000).optional(),
  })
  .strict();

function stripeErrorAsControl(error: unknown): TStandInResponse {
  if (error instanceof StripeApiError) return jsonResponse(error.status, { error: error.body });
  throw error;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function createStripeControlRoutes(deps: {
  state: TStripeState;
  settings: () => TStripeHttpSettings;
  updateSettings: (next: Partial<TStripeHttpSettings>) => TStripeHttpSettings;
}): TRoute[] {
  const { state } = deps;
  return [
    {
      method: "POST",
      path: "/__sandbox/stripe/checkout/sessions/:session/complete",
      handler: (req) => {
        const body = parseControlBody(req, ZCompleteBody);
        try {
          return jsonResponse(200, publicSession(completeCheckoutSession(state, req.params.session!, body)));
        } catch (error) {
          return stripeErrorAsControl(error);
        }
      },
    },
    {
      // The session's `url`: what a buyer would see, reduced to one button.
      method: "GET",
      path: "/__sandbox/stripe/checkout/:session",
      handler: (req) => {
        const s = state.checkoutSessions.get(req.params.session!);
        if (!s) return textResponse(404, "No such checkout session");
        const amount = `${((s.amount_total as number) / 100).toFixed(2)} ${asText(s.currency).toUpperCase()}`;
        const html = `<!doctype html><html><head><meta charset="utf-8"><title>Sandbox Checkout</title></head><body>
<h1>Sandbox Checkout</h1><p>Session ${escapeHtml(s.id)} — ${escapeHtml(amount)} — status ${escapeHtml(asText(s.status))}</p>
<form method="post" action="/__sandbox/stripe/checkout/${encodeURIComponent(s.id)}/pay">
<label>Email <input name="email" type="email" value="${escapeHtml(typeof s.customer_email === "string" ? s.customer_email : "")}"></label>
<button type="submit">Pay</button></form></body></html>`;
        return textResponse(200, html, "text/html;charset=utf-8");
      },
    },
    {
      method: "POST",
      path: "/__sandbox/stripe/checkout/:session/pay",
      handler: (req) => {
        const email = req.form().get("email") || undefined;
        try {
          const s = completeCheckoutSession(state, req.params.session!, { email });
          const target =
            typeof s.success_url === "string" ? s.success_url.replace("{CHECKOUT_SESSION_ID}", s.id) : null;
          return target
            ? { status: 303, headers: { location: target } }
            : textResponse(200, "Payment complete.");
        } catch (error) {
          return stripeErrorAsControl(error);
        }
      },
    },
    {
      method: "GET",
      path: "/__sandbox/stripe/settings",
      handler: () => jsonResponse(200, redact(deps.settings())),
    },
    {
      method: "POST",
      path: "/__sandbox/stripe/settings",
      handler: (req) => jsonResponse(200, redact(deps.updateSettings(parseControlBody(req, ZSettingsBody)))),
    },
  ];
}

/** Control answers never echo a pinned secret key. */
function redact(s: TStripeHttpSettings) {
  return { ...s, apiKey: s.apiKey ? `${s.apiKey.slice(0, 8)}…` : null };
}
