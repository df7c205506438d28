import "server-only";
import { randomBytes } from "node:crypto";
import { db, dbPool } from "@/lib/db";
import { generateCode } from "./code";

/**
 * Issues a follower's code: one per OpenID, atomically, never reused — in one database round trip, the
 * function `wechat_touch` (migration 20261123050000_wechat_touch_function), which:
 *   - with a message (a WeChat callback), first looks for the reply already stored under its dedupe key: a
 *     retry gets that reply and writes nothing;
 *   - upserts the WechatFollower (language, follow time, first-touch campaign from the QR scene);
 *   - returns the follower's code, or inserts the first of a few random candidates (ON CONFLICT DO NOTHING,
 *     so of N concurrent first requests exactly one wins; a loser waits for the winner's commit and reads
 *     its code in the next statement). A candidate that collides with another follower's code (about 1 in
 *     2^35 per issued code) is skipped; codes are never deleted, so none is handed to a second person;
 *   - with a message, renders and stores its reply (the template for the follower's language, the code put
 *     at CODE_SLOT), returning a concurrent copy's reply instead when that stored first.
 */

export type TFollowerTouch = {
  openid: string;
  /** Latest known language (`zh` / `en`), or null to keep the stored one. */
  language?: string | null;
  /** A subscribe event: sets the follow time and, on the first QR follow, the campaign of that scene. */
  subscribe?: { scene: string | null } | null;
  /** Whether to issue the code (false: only record the follower). */
  withCode?: boolean;
};

/** The callback message a touch answers; stored under `dedupeKey` with its reply. */
export type TTouchMessage = {
  dedupeKey: string;
  msgType: string;
  event: string | null;
  /** The reply XML per language with CODE_SLOT where the code goes; null when the message gets none. */
  replies: { zh: string; en: string } | null;
  /** The reply language when the follower's is unknown. */
  defaultLanguage: "zh" | "en";
};

export type TIssueResult = {
  /** The follower's code (canonical 8 symbols); null only when `withCode` was false and none exists. */
  code: string | null;
  /** True when this call created the code. */
  issued: boolean;
  /** The follower's language: the one passed in, else the one stored before this call. */
  language: string | null;
};

export type TTouchResult = TIssueResult & {
  /** The reply stored for the message (this call's, or an earlier copy's when `duplicate`). */
  reply: string | null;
  /** True when the message had been processed before: nothing was written, `code` is null. */
  duplicate: boolean;
};

/**
 * Where the formatted code goes in a reply template handed to the database: random per process and led
 * by U+0001, which cannot occur in XML, so no OpenID or template text can contain it.
 */
export const CODE_SLOT = `\u0001${randomBytes(9).toString("base64")}\u0001`;

type TRow = {
  reply_xml: string | null;
  duplicate: boolean;
  code8: string | null;
  issued: boolean;
  follower_language: string | null;
};

// On the pool directly (the WeChat callback's one statement): Prisma's per-query work cost more CPU than the
// rest of the request's handling.
const TOUCH_SQL = `SELECT * FROM wechat_touch($1::text, $2::text, $3::boolean, $4::text, $5::boolean, $6::text[],
  $7::text, $8::text, $9::text, $10::text, $11::text, $12::text, $13::text)`;

const MAX_ATTEMPTS = 5;
const CANDIDATES_PER_ATTEMPT = 3;

async function touch(follower: TFollowerTouch, message: TTouchMessage | null): Promise<TTouchResult> {
  const withCode = follower.withCode ?? true;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const candidates = Array.from({ length: CANDIDATES_PER_ATTEMPT }, generateCode);
    const { rows } = await dbPool().query<TRow>(TOUCH_SQL, [
      follower.openid,
      follower.language ?? null,
      follower.subscribe != null,
      follower.subscribe?.scene ?? null,
      withCode,
      candidates,
      message?.dedupeKey ?? null,
      message?.msgType ?? null,
      message?.event ?? null,
      message?.replies?.zh ?? null,
      message?.replies?.en ?? null,
      message?.defaultLanguage ?? null,
      CODE_SLOT,
    ]);
    const row = rows[0];
    if (!row) throw new Error("wechat_touch returned no row");
    const result: TTouchResult = {
      code: row.code8,
      issued: row.issued,
      language: row.follower_language,
      reply: row.reply_xml,
      duplicate: row.duplicate,
    };
    if (row.duplicate || row.code8 || !withCode) return result;
    // Every candidate collided with another follower's code: nothing was recorded; try fresh ones.
  }
  throw new Error(`issueCode: no unique code after ${MAX_ATTEMPTS} attempts`);
}

/** Upserts the follower and returns its code, issuing one if it has none (the web page and the API). */
export async function issueCode(follower: TFollowerTouch): Promise<TIssueResult> {
  const { code, issued, language } = await touch(follower, null);
  return { code, issued, language };
}

/** The callback's touch: dedupe, follower, code and the stored reply in one round trip. */
export function touchForMessage(follower: TFollowerTouch, message: TTouchMessage): Promise<TTouchResult> {
  return touch(follower, message);
}

/** The follower's code if one was issued (read-only; for pages that must not issue). */
export async function findCode(openid: string): Promise<string | null> {
  const row = await db().userCode.findUnique({ where: { openid }, select: { code: true } });
  return row?.code ?? null;
}
