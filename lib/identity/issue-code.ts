import "server-only";
import { randomUUID } from "node:crypto";
import { db, Prisma } from "@/lib/db";
import { generateCode } from "./code";

/**
 * Issues a follower's code: one per OpenID, atomically, never reused.
 *
 * One statement does the work (this is the WeChat callback's hot path):
 *   - upsert the WechatFollower (language, follow time, first-touch campaign from the QR scene);
 *   - INSERT the UserCode … ON CONFLICT DO NOTHING, so of N concurrent first requests exactly one row wins
 *     (the unique index on `openid` serialises them; losers do nothing instead of failing);
 *   - return the code: the one just inserted or the one already there.
 * A loser of a concurrent race can miss the winner's row (its statement snapshot predates the winner's
 * commit), and an insert can also lose on the `code` unique index (a random collision, about 1 in 2^35
 * per issued code): both return no code, and a second read by OpenID settles it, retrying with a fresh code
 * only for a true collision. Codes are never deleted, so a code is never handed to a second person.
 *
 * With `dedupeKey` (a WechatMessage key) the statement first looks for a reply already stored for that
 * callback: when there is one, it writes nothing and returns it, so WeChat's retries have no second effect.
 */

export type TFollowerTouch = {
  openid: string;
  /** Latest known language (`zh` / `en`), or null to keep the stored one. */
  language?: string | null;
  /** A subscribe event: sets the follow time and, on the first QR follow, the campaign of that scene. */
  subscribe?: { scene: string | null } | null;
  /** Whether to issue the code (false: only record the follower). */
  withCode?: boolean;
  dedupeKey?: string | null;
};

export type TIssueResult = {
  /** The follower's code (canonical 8 symbols), null only when `withCode` was false or a stored reply won. */
  code: string | null;
  /** True when this call created the code. */
  issued: boolean;
  /** The reply already stored for `dedupeKey` (a WeChat retry), else null. */
  storedReply: string | null;
  /** True when a WechatMessage with `dedupeKey` already existed (then nothing was written). */
  duplicate: boolean;
  /** The follower's language: the one passed in, else the one stored before this call. */
  language: string | null;
};

type TRow = {
  stored_reply: string | null;
  duplicate: boolean;
  new_code: string | null;
  old_code: string | null;
  old_language: string | null;
};

const MAX_ATTEMPTS = 5;

function statement(touch: TFollowerTouch, candidate: string): Prisma.Sql {
  const subscribe = touch.subscribe != null;
  const scene = touch.subscribe?.scene ?? null;
  const language = touch.language ?? null;
  const withCode = touch.withCode ?? true;
  const dedupeKey = touch.dedupeKey ?? null;
  return Prisma.sql`
    WITH prev AS (
      SELECT "replyXml" FROM "WechatMessage" WHERE ${dedupeKey}::text IS NOT NULL AND "dedupeKey" = ${dedupeKey}::text
    ),
    follower AS (
      INSERT INTO "WechatFollower" ("id", "openid", "language", "subscribedAt", "campaignId", "firstSeenAt")
      SELECT ${randomUUID()}, ${touch.openid}, ${language}::text,
             CASE WHEN ${subscribe} THEN now() END,
             (SELECT "id" FROM "Campaign" WHERE ${subscribe} AND "scene" = ${scene}::text),
             now()
      WHERE NOT EXISTS (SELECT 1 FROM prev)
      ON CONFLICT ("openid") DO UPDATE SET
        "language" = COALESCE(EXCLUDED."language", "WechatFollower"."language"),
        "subscribedAt" = CASE WHEN ${subscribe} THEN COALESCE("WechatFollower"."subscribedAt", now())
                              ELSE "WechatFollower"."subscribedAt" END,
        "unsubscribedAt" = CASE WHEN ${subscribe} THEN NULL ELSE "WechatFollower"."unsubscribedAt" END,
        "campaignId" = COALESCE("WechatFollower"."campaignId", EXCLUDED."campaignId")
      -- Skip the write (and its dead tuple) when a returning follower changes nothing.
      WHERE ${subscribe}
         OR (EXCLUDED."language" IS NOT NULL AND EXCLUDED."language" IS DISTINCT FROM "WechatFollower"."language")
    ),
    existing AS (SELECT "code" FROM "UserCode" WHERE "openid" = ${touch.openid}),
    inserted AS (
      INSERT INTO "UserCode" ("id", "code", "openid", "issuedAt")
      SELECT ${randomUUID()}, ${candidate}, ${touch.openid}, now()
      WHERE ${withCode} AND NOT EXISTS (SELECT 1 FROM prev) AND NOT EXISTS (SELECT 1 FROM existing)
      ON CONFLICT DO NOTHING
      RETURNING "code"
    )
    SELECT (SELECT "replyXml" FROM prev) AS stored_reply,
           EXISTS (SELECT 1 FROM prev) AS duplicate,
           (SELECT "code" FROM inserted) AS new_code,
           (SELECT "code" FROM existing) AS old_code,
           (SELECT "language" FROM "WechatFollower" WHERE "openid" = ${touch.openid}) AS old_language`;
}

/** Upserts the follower and returns its code, issuing one if it has none. See the module comment. */
export async function issueCode(touch: TFollowerTouch): Promise<TIssueResult> {
  const withCode = touch.withCode ?? true;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const [row] = await db().$queryRaw<TRow[]>(statement(touch, generateCode()));
    if (!row) throw new Error("issueCode: the statement returned no row");
    const base = { storedReply: null, duplicate: false, language: touch.language ?? row.old_language };
    if (row.duplicate)
      return { ...base, code: null, issued: false, storedReply: row.stored_reply, duplicate: true };
    if (row.new_code) return { ...base, code: row.new_code, issued: true };
    if (row.old_code || !withCode) return { ...base, code: row.old_code, issued: false };
    // Lost a race to a concurrent first request (its row was invisible to our snapshot) or a code collision.
    const winner = await db().userCode.findUnique({
      where: { openid: touch.openid },
      select: { code: true },
    });
    if (winner) return { ...base, code: winner.code, issued: false };
    // Only a collision on `code` leaves no row: try again with a fresh one. Dedupe is re-checked as well.
  }
  throw new Error(`issueCode: no unique code after ${MAX_ATTEMPTS} attempts`);
}

/** The follower's code if one was issued (read-only; for pages that must not issue). */
export async function findCode(openid: string): Promise<string | null> {
  const row = await db().userCode.findUnique({ where: { openid }, select: { code: true } });
  return row?.code ?? null;
}
