/**
 * `GET /v1/events` and `GET /v1/events/:id` (https://docs.stripe.com/api/events): 30 days kept, filters
 * `type` (with `*` wildcards such as `customer.*`), `types[]`, `created[...]`, `delivery_success`.
 */
import { pathParam, type TStripeCall, type TStripeRoute } from "./call";
import { invalidParam, resourceMissing } from "./errors";
import { expandObject } from "./expand";
import { paginate, readPageParams } from "./list";
import { matchesRange } from "./params";
import type { TStripeEvent, TStripeState } from "./state";

/** Per event: how many endpoint deliveries are still not successful (pending or failed). */
export type TDeliveryIndex = () => Map<string, number>;

function typeMatcher(pattern: string): (type: string) => boolean {
  if (!pattern.includes("*")) return (t) => t === pattern;
  const re = new RegExp(
    `^${pattern
      .split("*")
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
  );
  return (t) => re.test(t);
}

export function createEventRoutes(state: TStripeState, undelivered: TDeliveryIndex): TStripeRoute[] {
  /** `pending_webhooks` reflects deliveries now, not when the event was created. */
  function present(event: TStripeEvent, index: Map<string, number>): TStripeEvent {
    return { ...event, pending_webhooks: index.get(event.id) ?? 0 };
  }

  function list(call: TStripeCall) {
    const p = call.params;
    const type = p.string("type");
    const types = p.stringList("types");
    const created = p.range("created");
    const deliverySuccess = p.boolean("delivery_success");
    const page = readPageParams(p);
    const expand = p.expand();
    p.done();
    if (type !== undefined && types !== undefined) {
      throw invalidParam("types", "You may only specify one of these parameters: type, types.");
    }
    if (types && types.length > 20) throw invalidParam("types", "You may pass at most 20 types.");
    const matchers = (types ?? (type !== undefined ? [type] : [])).map(typeMatcher);
    state.pruneEvents();
    const index = undelivered();
    const items = state.events
      .list()
      .filter((e) => matchers.length === 0 || matchers.some((m) => m(e.type)))
      .filter((e) => matchesRange(e.created, created))
      .filter((e) => deliverySuccess === undefined || ((index.get(e.id) ?? 0) === 0) === deliverySuccess)
      .map((e) => present(e, index));
    return { body: expandObject(state, paginate(items, page, "/v1/events", "event"), expand) };
  }

  function retrieve(call: TStripeCall) {
    const id = pathParam(call, "event");
    const expand = call.params.expand();
    call.params.done();
    state.pruneEvents();
    const event = state.events.get(id);
    if (!event) throw resourceMissing("event", id);
    return { body: expandObject(state, present(event, undelivered()), expand) };
  }

  return [
    { method: "GET", path: "/v1/events", handler: list },
    { method: "GET", path: "/v1/events/:event", handler: retrieve },
  ];
}
