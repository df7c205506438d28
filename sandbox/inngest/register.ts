import type { TRunnerContext } from "./context";
import { json, withTransaction } from "./db";
import { compileFunction, describeRegisterError, ZRegisterBody, type TFunctionDef } from "./registry";
import { scheduleNextCron } from "./timers";

/**
 * Handles `POST /fn/register`: validates every function (a single bad one rejects the sync with a 400
 * naming it), stores the app and its functions, archives functions the app no longer serves, and plans
 * the first tick of new cron triggers.
 */
export type TRegisterOutcome =
  { ok: true; modified: boolean; appId: string; functions: number } | { ok: false; error: string };

export async function registerApp(ctx: TRunnerContext, body: unknown): Promise<TRegisterOutcome> {
  const parsed = ZRegisterBody.safeParse(body);
  if (!parsed.success)
    return { ok: false, error: `invalid sync request: ${describeRegisterError(parsed.error)}` };
  const { appName, url, sdk, framework, functions } = parsed.data;
  const defs: TFunctionDef[] = [];
  const errors: string[] = [];
  for (const raw of functions) {
    try {
      defs.push(compileFunction(appName, raw));
    } catch (err) {
      errors.push(err instanceof Error ? err.message : String(err));
    }
  }
  const ids = defs.map((d) => d.id);
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate) errors.push(`function "${duplicate}" is declared twice`);
  if (errors.length > 0) return { ok: false, error: `app "${appName}" was not synced: ${errors.join("; ")}` };

  const previousDefs = ctx.registry.all().filter((d) => d.appId === appName);
  const modified = await withTransaction(ctx.pool, async (tx) => {
    const before = await tx.query<{ id: string; config: unknown }>(
      "SELECT id, config FROM functions WHERE app_id = $1 AND NOT archived",
      [appName],
    );
    const previous = new Map(before.rows.map((r) => [r.id, JSON.stringify(r.config)]));
    const changed =
      previous.size !== defs.length || defs.some((d) => previous.get(d.id) !== JSON.stringify(d.raw));
    await tx.query(
      `INSERT INTO apps (id, url, sdk, framework, functions, synced_at) VALUES ($1, $2, $3, $4, $5, now())
       ON CONFLICT (id) DO UPDATE SET url = EXCLUDED.url, sdk = EXCLUDED.sdk, framework = EXCLUDED.framework,
         functions = EXCLUDED.functions, synced_at = now()`,
      [appName, url, sdk ?? null, framework ?? null, json(functions)],
    );
    await tx.query(
      `INSERT INTO functions (id, app_id, name, config, archived, updated_at)
       SELECT id, $1, name, config, false, now() FROM jsonb_to_recordset($2::jsonb) AS x(id text, name text, config jsonb)
       ON CONFLICT (id) DO UPDATE SET app_id = EXCLUDED.app_id, name = EXCLUDED.name, config = EXCLUDED.config,
         archived = false, updated_at = now()`,
      [appName, json(defs.map((d) => ({ id: d.id, name: d.name, config: d.raw })))],
    );
    await tx.query(
      "UPDATE functions SET archived = true, updated_at = now() WHERE app_id = $1 AND NOT (id = ANY($2::text[]))",
      [appName, ids],
    );
    // Visible to timers as soon as the rows are; restored below if the transaction fails.
    ctx.registry.replaceApp(appName, defs);
    const crons = defs.flatMap((d) =>
      d.triggers.flatMap((t) =>
        t.kind === "cron" ? [{ fnId: d.id, cron: t.cron.source, spec: t.cron }] : [],
      ),
    );
    const existing = await tx.query<{ function_id: string; cron: string }>(
      "SELECT c.function_id, c.cron FROM crons c JOIN functions f ON f.id = c.function_id WHERE f.app_id = $1",
      [appName],
    );
    const wanted = new Set(crons.map((c) => `${c.fnId}\u0000${c.cron}`));
    for (const row of existing.rows) {
      if (wanted.has(`${row.function_id}\u0000${row.cron}`)) continue;
      await tx.query("DELETE FROM crons WHERE function_id = $1 AND cron = $2", [row.function_id, row.cron]);
      await tx.query("DELETE FROM queue WHERE dedupe_key = $1", [`cron:${row.function_id}:${row.cron}`]);
    }
    const have = new Set(existing.rows.map((r) => `${r.function_id}\u0000${r.cron}`));
    for (const c of crons)
      if (!have.has(`${c.fnId}\u0000${c.cron}`)) await scheduleNextCron(ctx, tx, c.fnId, c.spec, undefined);
    return changed;
  }).catch((err: unknown) => {
    ctx.registry.replaceApp(appName, previousDefs);
    throw err;
  });
  ctx.kick();
  ctx.log.info("app.registered", { app: appName, functions: defs.length, modified });
  return { ok: true, modified, appId: appName, functions: defs.length };
}

/** Rebuilds the in-memory registry from the database on start (apps need not re-sync after a restart). */
export async function loadRegistry(ctx: TRunnerContext): Promise<number> {
  const res = await ctx.pool.query<{ app_id: string; config: unknown }>(
    "SELECT app_id, config FROM functions WHERE NOT archived",
  );
  const byApp = new Map<string, TFunctionDef[]>();
  for (const row of res.rows) {
    try {
      byApp.set(row.app_id, [...(byApp.get(row.app_id) ?? []), compileFunction(row.app_id, row.config)]);
    } catch (err) {
      ctx.log.error("function.load_failed", {
        app: row.app_id,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }
  for (const [appId, defs] of byApp) ctx.registry.replaceApp(appId, defs);
  return res.rows.length;
}
