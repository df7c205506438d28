import { z } from "zod";
import {
  createRateLimiter,
  createStandIn,
  jsonResponse,
  parseControlBody,
  type TFaultSettingsInput,
  type TRoute,
  type TStandIn,
} from "../core";
import {
  createOpenApplyAuth,
  createOpenApplyRateLimit,
  createOpenApplyRoutes,
  openApplyErrorWriters,
  type TOpenApplySettings,
} from "./api";
import {
  ZParentInput,
  ZStudentInput,
  ZStudentStatus,
  createAdmissionsStore,
  type TAdmissionsStore,
} from "./store";

export const OPENAPPLY_SANDBOX_DEFAULT_PORT = 12114;

export interface TOpenApplySandboxOptions {
  port?: number;
  host?: string;
  settings?: Partial<TOpenApplySettings>;
  /** OpenApply documents 1 request per second and 5,000 per day; tests and demos may raise them. */
  perSecond?: number;
  perDay?: number;
  faults?: TFaultSettingsInput;
  log?: (line: string) => void;
}

export interface TOpenApplySandbox {
  url: string;
  port: number;
  standIn: TStandIn;
  store: TAdmissionsStore;
  close(): Promise<void>;
}

const ZApplication = ZStudentInput.extend({ parent: ZParentInput.optional() });

/** What happens in the admissions office: a family applies, staff move the student along. */
function createControlRoutes(store: TAdmissionsStore): TRoute[] {
  const find = (id: string | undefined) => store.student(Number(id));
  return [
    {
      method: "POST",
      path: "/__sandbox/openapply/applications",
      handler: (req) => {
        const { parent, ...student } = parseControlBody(req, ZApplication);
        const s = store.createStudent({ ...student, status: student.status ?? "applied" }, parent);
        return jsonResponse(201, { student: s, parents: store.parentsOf(s) });
      },
    },
    {
      method: "POST",
      path: "/__sandbox/openapply/students/:id/status",
      handler: (req) => {
        const body = parseControlBody(
          req,
          z.object({ status: ZStudentStatus, at: z.iso.datetime().optional() }),
        );
        const s = find(req.params.id);
        if (!s) return jsonResponse(404, { error: "no such student" });
        store.setStatus(s, body.status, body.at ? Date.parse(body.at) : undefined);
        return jsonResponse(200, { student: s });
      },
    },
    {
      method: "POST",
      path: "/__sandbox/openapply/students/:id/custom_fields",
      handler: (req) => {
        const body = parseControlBody(req, z.object({ custom_fields: z.record(z.string(), z.unknown()) }));
        const s = find(req.params.id);
        if (!s) return jsonResponse(404, { error: "no such student" });
        return jsonResponse(200, { student: store.updateStudent(s, body) });
      },
    },
  ];
}

/** Starts the OpenApply stand-in: OAuth client credentials, students list/read/update, status changes. */
export async function startOpenApplySandbox(
  options: TOpenApplySandboxOptions = {},
): Promise<TOpenApplySandbox> {
  const initial: TOpenApplySettings = {
    clientId: "sandbox-openapply-client",
    clientSecret: "sandbox-openapply-secret",
    accessToken: null,
    ...options.settings,
  };
  const settings = { ...initial };
  const issued = new Set<string>();
  const store = createAdmissionsStore();
  const limiter = createRateLimiter({
    windows: [
      { name: "SECONDLY", limit: options.perSecond ?? 1, intervalMs: 1_000 },
      { name: "DAILY", limit: options.perDay ?? 5_000, intervalMs: 86_400_000, kind: "fixed" },
    ],
  });

  const standIn = await createStandIn({
    name: "openapply",
    host: options.host,
    port: options.port ?? 0,
    routes: createOpenApplyRoutes({ store, settings: () => settings, issued }),
    controlRoutes: createControlRoutes(store),
    middleware: [createOpenApplyAuth(() => settings, issued), createOpenApplyRateLimit(limiter)],
    errors: openApplyErrorWriters,
    onReset: () => {
      store.reset();
      issued.clear();
      limiter.reset();
      Object.assign(settings, initial);
    },
    getState: () => ({
      counts: store.counts(),
      students: store.list({}).map((s) => ({
        id: s.id,
        name: s.name,
        status: s.status,
        statusHistory: s.statusHistory,
        custom_fields: s.custom_fields,
      })),
    }),
    faults: options.faults,
    log: options.log,
  });

  return { url: standIn.url, port: standIn.port, standIn, store, close: () => standIn.close() };
}
