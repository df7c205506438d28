/**
 * The access matrix: what every route in the app/ tree expects, keyed `METHOD /pattern` (pages:
 * `PAGE /pattern`). test/access/access.int.test.ts fails when a route has no row here or a row
 * names a route that no longer exists, so this table is the reviewed list of who may do what.
 *
 * Console API rows give the minimum role (roles are ranked VIEWER < OPERATOR < ADMIN); every other
 * row says which public mechanism guards the route instead of a session.
 */
import type { Role } from "@/lib/auth/roles";
import type { TApiKeyScope } from "@/lib/api-keys/keys";

export type TExpectation =
  /** Session cookie; below `role` → 403, no session → 401; mutations also need a same-origin request. */
  | { kind: "console"; role: Role }
  /** A console page: no session → redirect to /signin (with callbackUrl); any staff role may view. */
  | { kind: "page" }
  /** A page for people without a session (sign-in, the WeChat code page). */
  | { kind: "public-page" }
  /** `Authorization: Bearer rbk_…` with the scope; no key/unknown key → 401, other scope → 403. */
  | { kind: "api-key"; scope: TApiKeyScope }
  /** Provider webhooks: signature (Stripe-Signature / X-HubSpot-Signature-v3) or 400/401. */
  | { kind: "webhook"; provider: "stripe" | "hubspot" }
  /** WeChat server callback: URL signature from WECHAT_TOKEN or 400/401. */
  | { kind: "wechat-callback" }
  /** Starts WeChat web OAuth for the public code page: a redirect to WeChat, nothing else. */
  | { kind: "wechat-oauth" }
  /** next-auth's own endpoints (sign-in, session, CSRF token); it guards its POSTs with its CSRF token. */
  | { kind: "next-auth" }
  /** Inngest serve handler: in production the SDK verifies X-Inngest-Signature (INNGEST_SIGNING_KEY). */
  | { kind: "inngest" }
  /** Liveness/readiness for load balancers: public, reports states, never configuration. */
  | { kind: "health" };

const viewer = { kind: "console", role: "VIEWER" } as const;
const operator = { kind: "console", role: "OPERATOR" } as const;
const admin = { kind: "console", role: "ADMIN" } as const;
const page = { kind: "page" } as const;

export const ACCESS_MATRIX: Record<string, TExpectation> = {
  // Pages
  "PAGE /": page,
  "PAGE /campaigns": page,
  "PAGE /dead-letters": page,
  "PAGE /events": page,
  "PAGE /funnel": page,
  "PAGE /funnel/roi": page,
  "PAGE /identities": page,
  "PAGE /imports": page,
  "PAGE /settings": page,
  "PAGE /sync": page,
  "PAGE /sync/mappings": page,
  "PAGE /warehouse": page,
  "PAGE /signin": { kind: "public-page" },
  "PAGE /wechat/code": { kind: "public-page" },

  // Settings that shape the whole system: ADMIN only (limits, keys, users, modes, mappings).
  "GET /api/console/api-keys": admin,
  "POST /api/console/api-keys": admin,
  "DELETE /api/console/api-keys/[id]": admin,
  "GET /api/console/rate-limits": viewer,
  "PATCH /api/console/rate-limits": admin,
  "PATCH /api/console/users/[id]": admin,
  "PUT /api/console/events/mode": admin,
  "GET /api/console/identities/settings": viewer,
  "PUT /api/console/identities/settings": admin,
  "GET /api/console/sync/field-mapping": viewer,
  "PUT /api/console/sync/field-mapping": admin,
  "PUT /api/console/warehouse/settings": admin,

  // Operator actions: replay, resync, backfill, imports, reviews, campaigns, spend, runs.
  "GET /api/console/campaigns": viewer,
  "POST /api/console/campaigns": operator,
  "GET /api/console/campaigns/[id]/qr": viewer,
  "POST /api/console/campaigns/[id]/qr": operator,
  "GET /api/console/dead-letters": viewer,
  "GET /api/console/dead-letters/[id]": viewer,
  "POST /api/console/dead-letters/[id]/discard": operator,
  "POST /api/console/dead-letters/[id]/replay": operator,
  "POST /api/console/dead-letters/replay-all": operator,
  "GET /api/console/events": viewer,
  "GET /api/console/events/mapping": viewer,
  "PUT /api/console/events/mapping": operator,
  "GET /api/console/funnel": viewer,
  "GET /api/console/funnel/people": viewer,
  "GET /api/console/identities": viewer,
  "GET /api/console/identities/people/[personId]": viewer,
  "GET /api/console/identities/reviews": viewer,
  "POST /api/console/identities/reviews/[id]/approve": operator,
  "POST /api/console/identities/reviews/[id]/reject": operator,
  "POST /api/console/identities/run": operator,
  "GET /api/console/imports": viewer,
  "POST /api/console/imports": operator,
  "GET /api/console/imports/[id]": viewer,
  "POST /api/console/imports/[id]/cancel": operator,
  "GET /api/console/imports/[id]/failed/[object]": viewer,
  "PUT /api/console/imports/[id]/files/[object]": operator,
  "PUT /api/console/imports/[id]/mapping": operator,
  "POST /api/console/imports/[id]/preview": operator,
  "GET /api/console/imports/[id]/report": viewer,
  "GET /api/console/imports/[id]/rows": viewer,
  "POST /api/console/imports/[id]/run": operator,
  "GET /api/console/overview": viewer,
  "GET /api/console/roi": viewer,
  "GET /api/console/roi/spend": viewer,
  "POST /api/console/roi/spend": operator,
  "POST /api/console/roi/spend/upload": operator,
  "GET /api/console/sync/backfill": viewer,
  "POST /api/console/sync/backfill": operator,
  "GET /api/console/sync/mappings": viewer,
  "GET /api/console/sync/mappings/[id]": viewer,
  "GET /api/console/sync/metrics": viewer,
  "POST /api/console/sync/resync": operator,
  "POST /api/console/warehouse/business/[kind]": operator,
  "PUT /api/console/warehouse/overrides": operator,
  "GET /api/console/warehouse/runs": viewer,
  "POST /api/console/warehouse/runs": operator,
  "GET /api/console/warehouse/views/[view]": viewer,
  "GET /api/console/warehouse/views/[view]/export": viewer,
  "GET /api/console/wechat/conversation": viewer,
  "PUT /api/console/wechat/conversation": operator,

  // Machine endpoints: API keys with a scope.
  "POST /api/v1/events": { kind: "api-key", scope: "events:write" },
  "POST /api/v1/business/[kind]": { kind: "api-key", scope: "business:write" },
  "POST /api/wechat/code": { kind: "api-key", scope: "wechat:code" },

  // Provider callbacks: signatures instead of sessions.
  "POST /api/webhooks/stripe": { kind: "webhook", provider: "stripe" },
  "POST /api/webhooks/hubspot": { kind: "webhook", provider: "hubspot" },
  "GET /api/wechat": { kind: "wechat-callback" },
  "POST /api/wechat": { kind: "wechat-callback" },
  "GET /api/wechat/oauth": { kind: "wechat-oauth" },

  // Infrastructure.
  "GET /api/auth/[...nextauth]": { kind: "next-auth" },
  "POST /api/auth/[...nextauth]": { kind: "next-auth" },
  "GET /api/inngest": { kind: "inngest" },
  "POST /api/inngest": { kind: "inngest" },
  "PUT /api/inngest": { kind: "inngest" },
  "GET /api/health": { kind: "health" },
};

/** Values for dynamic segments: ids that do not exist, so an allowed call ends in 400/404, not a change. */
export const SAMPLE_PARAMS: Record<string, string> = {
  id: "access-test-missing",
  personId: "access-test-missing",
  object: "contacts",
  kind: "students",
  view: "access-test-missing",
  nextauth: "session",
};
