-- A new WeChat follower's first touch at a fraction of its database time (issue 5: the callback's
-- new-follower p99). Hand-written: functions are outside Prisma's schema language.
--
-- Measured (pgbench, 1 client, wechat_touch of a new follower with code and message, load ~2.5):
-- 5.2 ms a touch, 4.3 ms of it in the function. track_functions showed where: the funnel trigger
-- fired three times, not two (INSERT … ON CONFLICT DO UPDATE fires the statement's UPDATE trigger
-- too, with no rows), and each firing spent ~0.75 ms in warehouse_funnel_people_of_keys and ~0.3 ms
-- in four warehouse_note_fact_changes calls, three of them with nothing to note. Those are SQL
-- functions that cannot be inlined, and PostgreSQL (before 18) plans a SQL function's statements
-- again on every call; the refresh itself (plpgsql, cached generic plan) was 0.17 ms.
--
-- Changed, with the facts computed as before:
--   1. the trigger returns at once when its statement changed no row;
--   2. keys of a person (WechatFollower, UserCode, IdentityLink) are the people: no resolving call;
--   3. only non-empty key lists are noted, and warehouse_note_fact_changes is plpgsql (plan cached);
--   4. one refresh per touch: wechat_touch names its follower in the transaction-local setting
--      revbridge.funnel_deferred_person while it writes the follower and the code; the trigger
--      leaves a statement that touched only that person to it, and wechat_touch notes and refreshes
--      the person once after its writes (before: once for the follower row, once for the code).

CREATE OR REPLACE FUNCTION warehouse_note_fact_changes(change_kind text, keys text[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO "WarehouseFactChange" (kind, key)
  SELECT DISTINCT change_kind, k FROM unnest(keys) k WHERE k IS NOT NULL;
END $$;

-- Notes these keys and recomputes the facts of the people they reach (what each trigger does).
CREATE FUNCTION warehouse_funnel_keys_changed(persons text[], contacts text[], customers text[],
                                              students text[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  people text[];
BEGIN
  IF cardinality(persons) > 0 THEN PERFORM warehouse_note_fact_changes('person', persons); END IF;
  IF cardinality(contacts) > 0 THEN PERFORM warehouse_note_fact_changes('contact', contacts); END IF;
  IF cardinality(customers) > 0 THEN PERFORM warehouse_note_fact_changes('customer', customers); END IF;
  IF cardinality(students) > 0 THEN PERFORM warehouse_note_fact_changes('student', students); END IF;
  IF cardinality(contacts) > 0 OR cardinality(customers) > 0 OR cardinality(students) > 0 THEN
    people := warehouse_funnel_people_of_keys(persons, contacts, customers, students);
  ELSE
    -- What warehouse_funnel_people_of_keys answers for persons alone.
    people := ARRAY(SELECT DISTINCT p FROM unnest(persons) p WHERE p IS NOT NULL);
  END IF;
  PERFORM warehouse_refresh_funnel_facts(people);
END $$;

CREATE OR REPLACE FUNCTION warehouse_funnel_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  rows_new boolean := TG_OP IN ('INSERT', 'UPDATE');
  rows_old boolean := TG_OP IN ('UPDATE', 'DELETE');
  persons text[] := '{}';
  contacts text[] := '{}';
  customers text[] := '{}';
  students text[] := '{}';
BEGIN
  -- An UPDATE or DELETE that matched nothing, or the UPDATE half of an INSERT … ON CONFLICT DO UPDATE
  -- whose rows were all inserted.
  IF rows_new THEN
    IF NOT EXISTS (SELECT 1 FROM new_rows) THEN RETURN NULL; END IF;
  ELSIF NOT EXISTS (SELECT 1 FROM old_rows) THEN
    RETURN NULL;
  END IF;
  IF TG_TABLE_NAME IN ('WechatFollower', 'UserCode') THEN
    IF rows_new THEN persons := persons || ARRAY(SELECT openid FROM new_rows); END IF;
    IF rows_old THEN persons := persons || ARRAY(SELECT openid FROM old_rows); END IF;
    -- wechat_touch writing its follower: it notes and refreshes the person itself, once.
    IF persons <@ ARRAY[current_setting('revbridge.funnel_deferred_person', true)] THEN RETURN NULL; END IF;
  ELSIF TG_TABLE_NAME = 'IdentityLink' THEN
    IF rows_new THEN persons := persons || ARRAY(SELECT "personId" FROM new_rows); END IF;
    IF rows_old THEN persons := persons || ARRAY(SELECT "personId" FROM old_rows); END IF;
  ELSIF TG_TABLE_NAME = 'HubspotContact' THEN
    -- Only contacts whose lifecycle facts or merge changed (an ingest rewrites whole pages).
    IF TG_OP = 'INSERT' THEN
      contacts := ARRAY(SELECT id FROM new_rows);
    ELSIF TG_OP = 'DELETE' THEN
      contacts := ARRAY(SELECT id FROM old_rows);
    ELSE
      contacts := ARRAY(
        SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
         WHERE (n."lifecycleRank", n."leadAt", n."mqlAt", n."sqlAt", n."opportunityAt", n."customerAt", n."mergedIntoId")
               IS DISTINCT FROM
               (o."lifecycleRank", o."leadAt", o."mqlAt", o."sqlAt", o."opportunityAt", o."customerAt", o."mergedIntoId")
        UNION ALL
        SELECT o."mergedIntoId" FROM new_rows n JOIN old_rows o ON o.id = n.id
         WHERE o."mergedIntoId" IS DISTINCT FROM n."mergedIntoId" AND o."mergedIntoId" IS NOT NULL);
    END IF;
  ELSIF TG_TABLE_NAME = 'Application' THEN
    IF rows_new THEN students := students || ARRAY(SELECT "studentId" FROM new_rows); END IF;
    IF rows_old THEN students := students || ARRAY(SELECT "studentId" FROM old_rows); END IF;
  ELSIF TG_TABLE_NAME = 'Purchase' THEN
    IF rows_new THEN
      contacts := contacts || ARRAY(SELECT "hubspotContactId" FROM new_rows);
      customers := customers || ARRAY(SELECT "stripeCustomerId" FROM new_rows);
    END IF;
    IF rows_old THEN
      contacts := contacts || ARRAY(SELECT "hubspotContactId" FROM old_rows);
      customers := customers || ARRAY(SELECT "stripeCustomerId" FROM old_rows);
    END IF;
  ELSIF TG_TABLE_NAME = 'ContactCustomerMap' THEN
    IF rows_new THEN contacts := contacts || ARRAY(SELECT "hubspotContactId" FROM new_rows); END IF;
    IF rows_old THEN contacts := contacts || ARRAY(SELECT "hubspotContactId" FROM old_rows); END IF;
  END IF;
  PERFORM warehouse_funnel_keys_changed(persons, contacts, customers, students);
  RETURN NULL;
END $$;

-- As in 20261123050000_wechat_touch_function, with the follower's funnel fact recomputed once.
CREATE OR REPLACE FUNCTION wechat_touch(
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
-- Generic plans for everything this call runs (warehouse_refresh_funnel_facts included: with custom
-- plans it re-planned its large INSERT on every new follower, ~2 ms each time).
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
  v_reply text;
  v_code text;
  v_issued boolean := false;
  v_language text;
  v_candidate text;
  v_chosen text;
  v_writes boolean;
  v_deferred boolean;
  v_wrote boolean := false;
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
  v_writes := NOT FOUND OR p_subscribe OR (p_language IS NOT NULL AND p_language IS DISTINCT FROM v_language);
  -- The follower's funnel fact is recomputed once, below, after the follower and the code are written,
  -- rather than by each statement's trigger (warehouse_funnel_trigger leaves this person to us).
  v_deferred := v_writes OR (p_with_code AND v_code IS NULL);
  IF v_deferred THEN
    PERFORM set_config('revbridge.funnel_deferred_person', p_openid, true);
  END IF;

  IF v_writes THEN
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
    v_wrote := FOUND;
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
  END IF;

  -- What the funnel triggers would have done for these writes, once: note the person (for the
  -- ingest's repair pass) and recompute its fact.
  IF v_deferred THEN
    PERFORM set_config('revbridge.funnel_deferred_person', '', true);
  END IF;
  IF v_wrote OR v_issued THEN
    PERFORM warehouse_funnel_keys_changed(ARRAY[p_openid], '{}', '{}', '{}');
  END IF;

  -- Every candidate collided with another follower's code: the caller retries with fresh ones.
  IF p_with_code AND v_code IS NULL THEN
    RETURN QUERY SELECT NULL::text, false, NULL::text, false, v_language;
    RETURN;
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
