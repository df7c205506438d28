/**
 * Webhook endpoints (https://docs.stripe.com/api/webhook_endpoints) and delivery of events to them.
 * Each endpoint has its own secret and its own core deliverer (retries with backoff, duplicate, reorder,
 * delay and pause knobs); `createDelivererGroup` presents them to the core as one deliverer so that
 * `/__sandbox/webhooks` shows every delivery and its knobs apply to all endpoints — except `targetUrl`,
 * which moves the default endpoint (the one configured at start).
 */
import {
  ZWebhookKnobs,
  createWebhookDeliverer,
  type TDeliveryRecord,
  type TEnqueueInput,
  type TWebhookDeliverer,
  type TWebhookKnobs,
  type TWebhookKnobsInput,
} from "@/sandbox/core";
import { pathParam, type TStripeCall, type TStripeRoute } from "./call";
import { invalidParam, missingParam, resourceMissing } from "./errors";
import { generateId, randomToken } from "./ids";
import { paginate, readPageParams } from "./list";
import { applyMetadata, type ParamReader } from "./params";
import type { TStripeEvent, TStripeObject, TStripeState } from "./state";
import { buildStripeSignatureHeader } from "./webhook-signature";

/** Test mode retries a failed delivery three times over a few hours; `timeScale` compresses this. */
export const STRIPE_RETRY_DELAYS_MS = [60_000, 15 * 60_000, 3 * 3600_000];

export type TWebhookOptions = {
  /** The endpoint registered at start (the app's `/api/webhooks/stripe`); none when absent. */
  url?: string | null;
  secret?: string;
  enabledEvents?: string[];
  retryDelaysMs?: number[];
  requestTimeoutMs?: number;
  knobs?: Omit<TWebhookKnobsInput, "targetUrl">;
  log?: (line: string) => void;
};

type TEndpointRuntime = { secret: string; deliverer: TWebhookDeliverer };

export const DEFAULT_ENDPOINT_ID = "we_sandbox_default";

export function createStripeWebhooks(state: TStripeState, options: TWebhookOptions) {
  const runtimes = new Map<string, TEndpointRuntime>();
  let sharedKnobs: TWebhookKnobsInput = { ...options.knobs };
  const defaultSecret = options.secret ?? `whsec_${randomToken(32)}`;
  let defaultUrl: string | null = options.url ?? null;

  function endpointObject(
    id: string,
    url: string,
    enabledEvents: string[],
    extra: Partial<TStripeObject> = {},
  ): TStripeObject {
    return {
      id,
      object: "webhook_endpoint",
      api_version: null,
      application: null,
      created: state.now(),
      description: null,
      enabled_events: enabledEvents,
      livemode: false,
      metadata: {},
      status: "enabled",
      url,
      ...extra,
    };
  }

  function startRuntime(id: string, url: string | null, secret: string): TEndpointRuntime {
    const deliverer = createWebhookDeliverer({
      name: `stripe:${id}`,
      sign: ({ body, timestamp }) => ({
        "Stripe-Signature": buildStripeSignatureHeader(secret, Math.floor(timestamp / 1000), body),
        "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
        "Cache-Control": "no-cache",
      }),
      retryDelaysMs: options.retryDelaysMs ?? STRIPE_RETRY_DELAYS_MS,
      requestTimeoutMs: options.requestTimeoutMs,
      knobs: { ...sharedKnobs, targetUrl: url },
      log: options.log,
    });
    const runtime = { secret, deliverer };
    runtimes.set(id, runtime);
    return runtime;
  }

  /** (Re)creates the default endpoint object; its deliverer survives resets so its knobs do too. */
  function registerDefaultEndpoint(): void {
    if (!defaultUrl) return;
    state.webhookEndpoints.insert(
      endpointObject(DEFAULT_ENDPOINT_ID, defaultUrl, options.enabledEvents ?? ["*"], {
        description: "sandbox default endpoint",
      }),
    );
    if (!runtimes.has(DEFAULT_ENDPOINT_ID)) startRuntime(DEFAULT_ENDPOINT_ID, defaultUrl, defaultSecret);
  }
  registerDefaultEndpoint();

  function subscribed(endpoint: TStripeObject, type: string): boolean {
    const events = endpoint.enabled_events as string[];
    return endpoint.status === "enabled" && (events.includes("*") || events.includes(type));
  }

  state.onEvent((event: TStripeEvent) => {
    const targets = state.webhookEndpoints
      .list()
      .filter((e) => subscribed(e, event.type) && runtimes.has(e.id));
    event.pending_webhooks = targets.length;
    // Stripe sends the event as it was at creation on every attempt, pretty-printed.
    const body = JSON.stringify(event, null, 2);
    const input: TEnqueueInput = {
      label: event.type,
      eventIds: [event.id],
      render: () => body,
      contentType: "application/json; charset=utf-8",
    };
    for (const t of targets) runtimes.get(t.id)!.deliverer.enqueue(input);
  });

  /** Per event id: deliveries (duplicates aside) not yet answered 2xx — Stripe's `pending_webhooks`. */
  function undeliveredIndex(): Map<string, number> {
    const index = new Map<string, number>();
    for (const r of allDeliveries()) {
      if (r.duplicateOf) continue;
      for (const id of r.eventIds) index.set(id, (index.get(id) ?? 0) + (r.state === "delivered" ? 0 : 1));
    }
    return index;
  }

  function allDeliveries(): TDeliveryRecord[] {
    return [...runtimes.values()]
      .flatMap((r) => r.deliverer.deliveries())
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  const group = createDelivererGroup({
    members: () => [...runtimes.values()].map((r) => r.deliverer),
    primary: () => runtimes.get(DEFAULT_ENDPOINT_ID)?.deliverer,
    deliveries: allDeliveries,
    onShared: (knobs) => {
      sharedKnobs = { ...sharedKnobs, ...knobs };
    },
    onTargetUrl: (url) => {
      defaultUrl = url;
      const existing = state.webhookEndpoints.get(DEFAULT_ENDPOINT_ID);
      if (existing && url) existing.url = url;
      else if (url) registerDefaultEndpoint();
    },
    onReset: () => {
      for (const [id, r] of runtimes) {
        if (id === DEFAULT_ENDPOINT_ID) continue;
        r.deliverer.close();
        runtimes.delete(id);
      }
    },
  });

  function readEndpointFields(p: ParamReader) {
    const url = p.string("url");
    if (url !== undefined && !/^https?:\/\/\S+$/.test(url))
      throw invalidParam("url", "Invalid URL: must be an http(s) URL.", "url_invalid");
    const events = p.stringList("enabled_events");
    for (const [i, e] of (events ?? []).entries()) {
      if (e !== "*" && !/^[a-z_]+(\.[a-z_]+)+$/.test(e))
        throw invalidParam(`enabled_events[${i}]`, `Invalid enabled_events[${i}]: ${e}`);
    }
    const description = p.emptyableString("description");
    const metadata = p.metadata();
    return { url, events, description, metadata };
  }

  function create(call: TStripeCall) {
    const p = call.params;
    const { url, events, description, metadata } = readEndpointFields(p);
    p.string("api_version");
    p.boolean("connect");
    p.expand();
    p.done();
    if (!url) throw missingParam("url");
    if (!events || events.length === 0) throw missingParam("enabled_events");
    const id = generateId("we");
    const secret = `whsec_${randomToken(32)}`;
    const endpoint = endpointObject(id, url, events, {
      description: description ?? null,
      metadata: applyMetadata({}, metadata),
    });
    state.webhookEndpoints.insert(endpoint);
    startRuntime(id, url, secret);
    // The secret is shown once, in the create response only.
    return { body: { ...endpoint, secret } };
  }

  function requireEndpoint(id: string): TStripeObject {
    const e = state.webhookEndpoints.get(id);
    if (!e) throw resourceMissing("webhook endpoint", id, "webhook_endpoint");
    return e;
  }

  function update(call: TStripeCall) {
    const endpoint = requireEndpoint(pathParam(call, "endpoint"));
    const p = call.params;
    const { url, events, description, metadata } = readEndpointFields(p);
    const disabled = p.boolean("disabled");
    p.expand();
    p.done();
    if (url !== undefined) {
      endpoint.url = url;
      runtimes.get(endpoint.id)?.deliverer.configure({ targetUrl: url });
      if (endpoint.id === DEFAULT_ENDPOINT_ID) defaultUrl = url;
    }
    if (events !== undefined) endpoint.enabled_events = events;
    if (description !== undefined) endpoint.description = description;
    if (disabled !== undefined) endpoint.status = disabled ? "disabled" : "enabled";
    endpoint.metadata = applyMetadata(endpoint.metadata as Record<string, string>, metadata);
    return { body: endpoint };
  }

  function remove(call: TStripeCall) {
    const endpoint = requireEndpoint(pathParam(call, "endpoint"));
    call.params.done();
    state.webhookEndpoints.delete(endpoint.id);
    runtimes.get(endpoint.id)?.deliverer.close();
    runtimes.delete(endpoint.id);
    if (endpoint.id === DEFAULT_ENDPOINT_ID) defaultUrl = null;
    return { body: { id: endpoint.id, object: "webhook_endpoint", deleted: true } };
  }

  function retrieve(call: TStripeCall) {
    call.params.expand();
    call.params.done();
    return { body: requireEndpoint(pathParam(call, "endpoint")) };
  }

  function list(call: TStripeCall) {
    const p = call.params;
    const page = readPageParams(p);
    p.expand();
    p.done();
    return {
      body: paginate(state.webhookEndpoints.list(), page, "/v1/webhook_endpoints", "webhook endpoint"),
    };
  }

  const routes: TStripeRoute[] = [
    { method: "POST", path: "/v1/webhook_endpoints", handler: create },
    { method: "GET", path: "/v1/webhook_endpoints", handler: list },
    { method: "GET", path: "/v1/webhook_endpoints/:endpoint", handler: retrieve },
    { method: "POST", path: "/v1/webhook_endpoints/:endpoint", handler: update },
    { method: "DELETE", path: "/v1/webhook_endpoints/:endpoint", handler: remove },
  ];

  return {
    routes,
    deliverer: group,
    defaultSecret,
    undeliveredIndex,
    /** After a state reset: the default endpoint object comes back (its deliverer never left). */
    restoreDefaultEndpoint: registerDefaultEndpoint,
    secretOf: (endpointId: string) => runtimes.get(endpointId)?.secret,
  };
}

export type TStripeWebhooks = ReturnType<typeof createStripeWebhooks>;

/**
 * Several deliverers behind the core's single-deliverer interface (an adapter: the core attaches one
 * deliverer per stand-in, Stripe has one per endpoint).
 */
function createDelivererGroup(deps: {
  members: () => TWebhookDeliverer[];
  primary: () => TWebhookDeliverer | undefined;
  deliveries: () => TDeliveryRecord[];
  onShared: (knobs: TWebhookKnobsInput) => void;
  onTargetUrl: (url: string | null) => void;
  onReset: () => void;
}): TWebhookDeliverer {
  const idle = () => deps.members().every((m) => m.isIdle());

  function waitFor(
    predicate: (records: TDeliveryRecord[]) => boolean,
    timeoutMs = 10_000,
    what = "condition",
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    return new Promise((resolve, reject) => {
      const check = () => {
        if (predicate(deps.deliveries())) return resolve();
        if (Date.now() > deadline)
          return reject(new Error(`stripe webhooks: timed out after ${timeoutMs} ms waiting for ${what}`));
        setTimeout(check, 10);
      };
      check();
    });
  }

  function knobs(): TWebhookKnobs {
    return (
      deps.primary()?.knobs() ?? {
        targetUrl: null,
        delayMs: 0,
        duplicateRate: 0,
        copies: 1,
        reorderJitterMs: 0,
        timeScale: 1,
        paused: false,
      }
    );
  }

  return {
    enqueue: (input: TEnqueueInput) => deps.primary()?.enqueue(input) ?? "",
    configure(input: unknown): TWebhookKnobs {
      const { targetUrl, ...shared } = (input ?? {}) as TWebhookKnobsInput;
      // Validate first (throws a ZodError → 400) so a bad knob changes nothing on any endpoint.
      ZWebhookKnobs.parse({ ...knobs(), ...shared, ...(targetUrl !== undefined ? { targetUrl } : {}) });
      for (const m of deps.members()) m.configure(shared);
      deps.onShared(shared);
      if (targetUrl !== undefined) {
        deps.onTargetUrl(targetUrl);
        deps.primary()?.configure({ targetUrl });
      }
      return knobs();
    },
    knobs,
    deliveries: deps.deliveries,
    waitFor,
    waitForIdle: (timeoutMs = 10_000) => waitFor(() => idle(), timeoutMs, "idle"),
    isIdle: idle,
    reset(next?: TWebhookKnobsInput) {
      for (const m of deps.members()) m.reset();
      deps.onReset();
      if (next) this.configure(next);
    },
    close() {
      for (const m of deps.members()) m.close();
    },
  } satisfies TWebhookDeliverer;
}
