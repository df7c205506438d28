import { z } from "zod";
import type { TCounterStore } from "./counters";
import type { TFaultInjector } from "./faults";
import { HttpResponseError, jsonResponse, type TRoute, type TStandInRequest } from "./http-types";
import type { TWebhookDeliverer } from "./webhook-deliverer";

/** Parses a control endpoint's JSON body with a zod schema; a bad body answers 400 with the issues. */
export function parseControlBody<T extends z.ZodType>(req: TStandInRequest, schema: T): z.infer<T> {
  let raw: unknown;
  try {
    raw = req.json() ?? {};
  } catch {
    throw new HttpResponseError(jsonResponse(400, { error: "body must be JSON" }));
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new HttpResponseError(
      jsonResponse(400, {
        error: "invalid control request",
        issues: describeIssues(parsed.error),
      }),
    );
  }
  return parsed.data;
}

function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`);
}

/** Runs a settings change; a ZodError from it answers 400 with the issues instead of a 500. */
function answerValidated(what: string, apply: () => unknown) {
  try {
    return jsonResponse(200, apply());
  } catch (error) {
    if (error instanceof z.ZodError) return jsonResponse(400, { error: what, issues: describeIssues(error) });
    throw error;
  }
}

/** The endpoints every stand-in has under `/__sandbox/`. */
export function createControlRoutes(deps: {
  name: string;
  counters: TCounterStore;
  faults: TFaultInjector;
  reset: () => void;
  webhooks?: TWebhookDeliverer;
  getState?: () => unknown;
}): TRoute[] {
  const routes: TRoute[] = [
    {
      method: "GET",
      path: "/__sandbox/health",
      handler: () => jsonResponse(200, { name: deps.name, ok: true }),
    },
    {
      method: "POST",
      path: "/__sandbox/reset",
      handler: () => {
        deps.reset();
        return jsonResponse(200, { ok: true });
      },
    },
    {
      method: "GET",
      path: "/__sandbox/counters",
      handler: () => jsonResponse(200, deps.counters.snapshot()),
    },
    {
      method: "GET",
      path: "/__sandbox/faults",
      handler: () => jsonResponse(200, deps.faults.current()),
    },
    {
      method: "POST",
      path: "/__sandbox/faults",
      handler: (req) =>
        answerValidated("invalid fault settings", () => deps.faults.configure(req.json() ?? {})),
    },
    {
      method: "GET",
      path: "/__sandbox/state",
      handler: () =>
        deps.getState
          ? jsonResponse(200, deps.getState())
          : jsonResponse(404, { error: `${deps.name} has no state endpoint` }),
    },
  ];
  const webhooks = deps.webhooks;
  if (webhooks) {
    routes.push(
      {
        method: "GET",
        path: "/__sandbox/webhooks",
        handler: () => jsonResponse(200, { knobs: webhooks.knobs(), deliveries: webhooks.deliveries() }),
      },
      {
        method: "POST",
        path: "/__sandbox/webhooks",
        handler: (req) =>
          answerValidated("invalid webhook knobs", () => webhooks.configure(req.json() ?? {})),
      },
    );
  }
  return routes;
}
