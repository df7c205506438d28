import { randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import {
  HttpResponseError,
  jsonResponse,
  type TErrorWriters,
  type TMiddleware,
  type TRateLimiter,
  type TRoute,
  type TStandInRequest,
} from "../core";
import { ZStudentInput, ZStudentStatus, type TAdmissionsStore, type TStudent } from "./store";

export interface TOpenApplySettings {
  /** OAuth client credentials accepted by /oauth/token. */
  clientId: string;
  clientSecret: string;
  /** null accepts any well-formed bearer token; a string pins one (issued tokens always work). */
  accessToken: string | null;
}

/** Rails/Doorkeeper-style answers: `{error}` bodies, 401 with a WWW-Authenticate challenge. */
export const openApplyErrorWriters: TErrorWriters = {
  notFound: () => jsonResponse(404, { error: "Not Found" }),
  internal: (_req, status) =>
    jsonResponse(status, { error: status === 503 ? "Service Unavailable" : "Internal Server Error" }),
  rateLimited: () => jsonResponse(429, { error: "Too Many Requests" }, { "retry-after": "1" }),
  badRequest: (_req, message) => jsonResponse(400, { error: message }),
};

function invalidToken() {
  return jsonResponse(
    401,
    { error: "invalid_token", error_description: "The access token is invalid" },
    {
      "www-authenticate":
        'Bearer realm="Doorkeeper", error="invalid_token", error_description="The access token is invalid"',
    },
  );
}

function unprocessable(error: z.ZodError) {
  const errors: Record<string, string[]> = {};
  for (const issue of error.issues) (errors[issue.path.join(".") || "base"] ??= []).push(issue.message);
  return jsonResponse(422, { errors });
}

function parseJson<T extends z.ZodType>(req: TStandInRequest, schema: T): z.infer<T> {
  const parsed = schema.safeParse(req.json() ?? {});
  if (!parsed.success) throw new HttpResponseError(unprocessable(parsed.error));
  return parsed.data;
}

const equal = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

export function createOpenApplyAuth(settings: () => TOpenApplySettings, issued: Set<string>): TMiddleware {
  return (req, next) => {
    if (req.path === "/oauth/token") return next();
    const m = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/.exec(req.header("authorization") ?? "");
    if (!m) return invalidToken();
    const token = m[1]!;
    const pinned = settings().accessToken;
    if (pinned !== null && !issued.has(token) && !equal(token, pinned)) return invalidToken();
    return next();
  };
}

/** OpenApply documents one request per second and 5,000 per day per IP. */
export function createOpenApplyRateLimit(limiter: TRateLimiter): TMiddleware {
  return (req, next) => {
    const r = limiter.take("account");
    if (!r.allowed) {
      return jsonResponse(
        429,
        { error: "Too Many Requests" },
        { "retry-after": String(Math.ceil(r.retryAfterMs / 1000)) },
      );
    }
    return next();
  };
}

/** The API's view of a student: everything but the sandbox's own status history. */
function present(s: TStudent): Omit<TStudent, "statusHistory"> {
  const { statusHistory: _omit, ...rest } = s;
  return rest;
}

function studentOr404(store: TAdmissionsStore, req: TStandInRequest): TStudent {
  const s = store.student(Number(req.params.id));
  if (!s) throw new HttpResponseError(jsonResponse(404, { error: "Record not found" }));
  return s;
}

function readPositiveInt(req: TStandInRequest, name: string): number | undefined {
  const raw = req.query.get(name);
  if (raw === null || raw === "") return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new HttpResponseError(jsonResponse(400, { error: `${name} must be a positive integer` }));
  return n;
}

const ZPatch = ZStudentInput.partial();
const ZCustomFields = z.object({ custom_fields: z.record(z.string(), z.unknown()) });

export function createOpenApplyRoutes(deps: {
  store: TAdmissionsStore;
  settings: () => TOpenApplySettings;
  issued: Set<string>;
}): TRoute[] {
  const { store } = deps;
  const single = (s: TStudent) =>
    jsonResponse(200, { student: present(s), linked: { parents: store.parentsOf(s) } });
  return [
    {
      method: "POST",
      path: "/oauth/token",
      handler: (req) => {
        const basic = /^Basic (.+)$/.exec(req.header("authorization") ?? "");
        const [id, secret] = basic
          ? Buffer.from(basic[1]!, "base64").toString("utf8").split(":")
          : [req.form().get("client_id"), req.form().get("client_secret")];
        const s = deps.settings();
        if (req.form().get("grant_type") !== "client_credentials")
          return jsonResponse(400, { error: "unsupported_grant_type" });
        if (!id || !secret || !equal(id, s.clientId) || !equal(secret, s.clientSecret))
          return jsonResponse(401, { error: "invalid_client" });
        const token = randomBytes(32).toString("hex");
        deps.issued.add(token);
        return jsonResponse(200, {
          access_token: token,
          token_type: "Bearer",
          expires_in: 2_629_745,
          created_at: Math.floor(Date.now() / 1000),
        });
      },
    },
    {
      method: "GET",
      path: "/api/v3/students",
      write: false,
      handler: (req) => {
        const perPage = Math.min(
          readPositiveInt(req, "per_page") ?? readPositiveInt(req, "count") ?? 50,
          200,
        );
        const page = readPositiveInt(req, "page") ?? 1;
        const since =
          req.query.get("since_date") ?? req.query.get("updated_since") ?? req.query.get("modified_since");
        const sinceDate = since ? Date.parse(since) : undefined;
        if (sinceDate !== undefined && !Number.isFinite(sinceDate))
          return jsonResponse(400, { error: "since_date is not a valid date" });
        const statusRaw = req.query.get("status");
        const status = statusRaw ? ZStudentStatus.safeParse(statusRaw) : undefined;
        if (status && !status.success)
          return jsonResponse(400, { error: `status must be one of ${ZStudentStatus.options.join(", ")}` });
        const all = store.list({
          sinceId: readPositiveInt(req, "since_id"),
          sinceDate,
          status: status?.data,
        });
        const slice = all.slice((page - 1) * perPage, page * perPage);
        // Siblings share parents; each parent is listed once.
        const parents = new Map(slice.flatMap((s) => store.parentsOf(s)).map((p) => [p.id, p]));
        return jsonResponse(200, {
          students: slice.map(present),
          linked: { parents: [...parents.values()] },
          meta: {
            pages: Math.max(1, Math.ceil(all.length / perPage)),
            per_page: perPage,
            page,
            total: all.length,
          },
        });
      },
    },
    {
      method: "POST",
      path: "/api/v3/students",
      handler: (req) => {
        const s = store.createStudent(parseJson(req, ZStudentInput));
        return jsonResponse(201, { student: present(s), linked: { parents: [] } });
      },
    },
    { method: "GET", path: "/api/v3/students/:id", handler: (req) => single(studentOr404(store, req)) },
    {
      method: "PATCH",
      path: "/api/v3/students/:id",
      handler: (req) => single(store.updateStudent(studentOr404(store, req), parseJson(req, ZPatch))),
    },
    {
      method: "PUT",
      path: "/api/v3/students/:id/custom_fields",
      handler: (req) => single(store.updateStudent(studentOr404(store, req), parseJson(req, ZCustomFields))),
    },
    {
      method: "PUT",
      path: "/api/v3/students/:id/status",
      handler: (req) => {
        const { status } = parseJson(req, z.object({ status: ZStudentStatus }));
        return single(store.updateStudent(studentOr404(store, req), { status }));
      },
    },
  ];
}
