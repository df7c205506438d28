import "server-only";
import { recordAudit } from "@/lib/audit";
import { db } from "@/lib/db";
import { readSetting, writeSetting } from "@/lib/settings/app-settings";
import {
  CONVERSATION_SETTING_KEY,
  DEFAULT_CONVERSATION_SETTINGS,
  ZConversationSettings,
  type TConversationSettings,
} from "./conversation";

/**
 * The conversation settings (event keys, keywords, reply templates) are read on every callback, so they
 * are cached in memory for a few seconds: the callback's hot path then costs one query, not two.
 * The cache is per instance — an edit applies at once on the instance that saved it and within
 * CACHE_TTL_MS everywhere else.
 */
const CACHE_TTL_MS = 5_000;
let cache: { value: TConversationSettings; expiresAt: number } | null = null;

export async function conversationSettings(): Promise<TConversationSettings> {
  const now = Date.now();
  if (cache && cache.expiresAt > now) return cache.value;
  const value = await readSetting(
    CONVERSATION_SETTING_KEY,
    ZConversationSettings,
    DEFAULT_CONVERSATION_SETTINGS,
  );
  cache = { value, expiresAt: now + CACHE_TTL_MS };
  return value;
}

export function forgetCachedConversationSettings(): void {
  cache = null;
}

/** Saves new settings (already validated by the route's zod schema) with an audit entry in one transaction. */
export async function saveConversationSettings(
  value: TConversationSettings,
  actorId: string,
): Promise<TConversationSettings> {
  const parsed = ZConversationSettings.parse(value);
  await db().$transaction(async (tx) => {
    const previous = await writeSetting(CONVERSATION_SETTING_KEY, parsed, actorId, tx);
    await recordAudit(
      {
        actorId,
        action: "wechat.conversation.update",
        target: CONVERSATION_SETTING_KEY,
        details: { changed: changedFields(previous, parsed) },
      },
      tx,
    );
  });
  forgetCachedConversationSettings();
  return parsed;
}

function changedFields(previous: unknown, next: TConversationSettings): string[] {
  const before = ZConversationSettings.safeParse(previous);
  const old = before.success ? before.data : DEFAULT_CONVERSATION_SETTINGS;
  return (Object.keys(next) as (keyof TConversationSettings)[]).filter(
    (k) => JSON.stringify(old[k]) !== JSON.stringify(next[k]),
  );
}
