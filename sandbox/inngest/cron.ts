import { CronExpressionParser } from "cron-parser";

/**
 * Cron triggers as Inngest accepts them: five fields (or a `@daily`-style macro), optionally prefixed
 * with `TZ=Area/City ` or `CRON_TZ=Area/City ` to evaluate in that zone; UTC otherwise.
 */
export interface TCronSpec {
  source: string;
  expression: string;
  tz: string;
}

const TZ_PREFIX = /^(?:CRON_TZ|TZ)=(\S+)\s+(.+)$/;

export function parseCronSpec(source: string): TCronSpec {
  const trimmed = source.trim();
  const m = TZ_PREFIX.exec(trimmed);
  const tz = m?.[1] ?? "UTC";
  const expression = (m?.[2] ?? trimmed).trim();
  const fields = expression.split(/\s+/);
  if (!expression.startsWith("@") && fields.length !== 5) {
    throw new Error(`cron "${source}" must have 5 fields (minute hour day-of-month month day-of-week)`);
  }
  try {
    CronExpressionParser.parse(expression, { tz, currentDate: new Date() }).next();
  } catch (err) {
    throw new Error(`cron "${source}" is invalid: ${err instanceof Error ? err.message : String(err)}`);
  }
  return { source, expression, tz };
}

/** The first schedule time strictly after `afterMs`. */
export function nextCronTime(spec: TCronSpec, afterMs: number): number {
  return CronExpressionParser.parse(spec.expression, { tz: spec.tz, currentDate: new Date(afterMs) })
    .next()
    .getTime();
}
