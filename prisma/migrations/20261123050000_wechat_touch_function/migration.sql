-- One round trip for a WeChat follower touch (lib/identity/issue-code.ts): the callback's hot path, the
-- code web page and POST /api/wechat/code. In one transaction, with plans cached per connection:
--   1. with a dedupe key: a WechatMessage already stored under it (a WeChat retry) → its reply, nothing written;
--   2. upsert the WechatFollower (language, follow time, first-touch campaign of the QR scene); a returning
--      follower who changes nothing is only read;
--   3. with p_with_code: the follower's code, or the first candidate that inserts (ON CONFLICT DO NOTHING:
--      of N concurrent first requests one row wins; a loser waits for the winner's commit and, in its next
--      statement's snapshot, reads the winner's code). A candidate that collides with another follower's
--      code is skipped; when all collide, code is NULL and nothing is recorded: the caller retries;
--   4. with a dedupe key: the reply (p_reply_zh / p_reply_en by the follower's language, else
--      p_default_language; p_code_slot replaced by the code as XXXX-XXXX, formatCode in lib/identity/code.ts)
--      is stored with the message. If a concurrent copy of the message stored first, its reply is returned.
CREATE FUNCTION wechat_touch(
  p_openid text,
  p_language text,
  p_subscribe boolean,
  p_scene text,
  p_with_code boolean,
  p_candidates text[],
  p_dedupe_key text,
  p_msg_type text,
  p_event text,
  p_reply_zh text,
  p_reply_en text,
  p_default_language text,
  p_code_slot text
) RETURNS TABLE (reply_xml text, duplicate boolean, code8 text, issued boolean, follower_language text)
LANGUAGE plpgsql
-- Generic plans for everything this call runs, the funnel triggers' warehouse_refresh_funnel_facts
-- included: with the default (custom plans chosen per call) that function re-plans its large INSERT on
-- every new follower and code, ~2 ms each time, four fifths of a first touch's database time.
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
  v_reply text;
  v_code text;
  v_issued boolean := false;
  v_language text;
  v_candidate text;
  v_chosen text;
BEGIN
  IF p_dedupe_key IS NOT NULL THEN
    SELECT m."replyXml" INTO v_reply FROM "WechatMessage" m WHERE m."dedupeKey" = p_dedupe_key;
    IF FOUND THEN
      RETURN QUERY SELECT v_reply, true, NULL::text, false, NULL::text;
      RETURN;
    END IF;
  END IF;

  SELECT f."language", u."code" INTO v_language, v_code
  FROM "WechatFollower" f LEFT JOIN "UserCode" u ON u."openid" = f."openid"
  WHERE f."openid" = p_openid;

  -- A returning follower who changes nothing is only read: even a skipped ON CONFLICT DO UPDATE locks
  -- (writes) the row.
  IF NOT FOUND OR p_subscribe OR (p_language IS NOT NULL AND p_language IS DISTINCT FROM v_language) THEN
    INSERT INTO "WechatFollower" AS f ("id", "openid", "language", "subscribedAt", "campaignId", "firstSeenAt")
    VALUES (gen_random_uuid()::text, p_openid, p_language,
            CASE WHEN p_subscribe THEN now() END,
            CASE WHEN p_subscribe AND p_scene IS NOT NULL
                 THEN (SELECT c."id" FROM "Campaign" c WHERE c."scene" = p_scene) END,
            now())
    ON CONFLICT ("openid") DO UPDATE SET
      "language" = COALESCE(EXCLUDED."language", f."language"),
      "subscribedAt" = CASE WHEN p_subscribe THEN COALESCE(f."subscribedAt", now()) ELSE f."subscribedAt" END,
      "unsubscribedAt" = CASE WHEN p_subscribe THEN NULL ELSE f."unsubscribedAt" END,
      "campaignId" = COALESCE(f."campaignId", EXCLUDED."campaignId")
    WHERE p_subscribe
       OR (EXCLUDED."language" IS NOT NULL AND EXCLUDED."language" IS DISTINCT FROM f."language")
    RETURNING f."language" INTO v_language;
    IF NOT FOUND THEN
      -- A concurrent first touch inserted the row and we changed nothing in it: read what it stored.
      SELECT f."language" INTO v_language FROM "WechatFollower" f WHERE f."openid" = p_openid;
    END IF;
  END IF;

  IF p_with_code AND v_code IS NULL THEN
    FOREACH v_candidate IN ARRAY p_candidates LOOP
      INSERT INTO "UserCode" ("id", "code", "openid", "issuedAt")
      VALUES (gen_random_uuid()::text, v_candidate, p_openid, now())
      ON CONFLICT DO NOTHING
      RETURNING "code" INTO v_code;
      IF v_code IS NOT NULL THEN
        v_issued := true;
        EXIT;
      END IF;
      -- Lost a race for this OpenID (the winner has committed: this statement sees it) or a code collision.
      SELECT u."code" INTO v_code FROM "UserCode" u WHERE u."openid" = p_openid;
      EXIT WHEN v_code IS NOT NULL;
    END LOOP;
    IF v_code IS NULL THEN
      RETURN QUERY SELECT NULL::text, false, NULL::text, false, v_language;
      RETURN;
    END IF;
  END IF;

  IF p_dedupe_key IS NOT NULL THEN
    v_chosen := CASE
      WHEN v_language = 'zh' THEN p_reply_zh
      WHEN v_language = 'en' THEN p_reply_en
      WHEN p_default_language = 'en' THEN p_reply_en
      ELSE p_reply_zh END;
    v_reply := CASE WHEN p_with_code AND v_chosen IS NOT NULL
      THEN replace(v_chosen, p_code_slot, substr(v_code, 1, 4) || '-' || substr(v_code, 5)) END;
    INSERT INTO "WechatMessage" ("id", "dedupeKey", "openid", "msgType", "event", "replyXml", "receivedAt")
    VALUES (gen_random_uuid()::text, p_dedupe_key, p_openid, p_msg_type, p_event, v_reply, now())
    ON CONFLICT ("dedupeKey") DO NOTHING;
    IF NOT FOUND THEN
      SELECT m."replyXml" INTO v_reply FROM "WechatMessage" m WHERE m."dedupeKey" = p_dedupe_key;
      RETURN QUERY SELECT v_reply, true, NULL::text, false, NULL::text;
      RETURN;
    END IF;
  END IF;

  RETURN QUERY SELECT v_reply, false, v_code, v_issued, v_language;
END;
$$;
