-- Warehouse facts that a race cannot leave stale for good, and bulk writes to the funnel's source
-- tables in linear time (issue 7). Hand-written: functions and triggers are outside Prisma's schema
-- language.
--
-- The race: the fact triggers (FunnelFact, WarehouseCompanySpend) recompute in the writing
-- transaction, from a snapshot that cannot see a concurrent transaction's uncommitted rows. A link
-- person → contact written while another transaction writes that contact's purchase: the first
-- recomputes the person without the purchase, the second finds nobody linked to the contact. A
-- company merge moving a deal's association while a deal page changes the deal's amount: the merge
-- sums the old amount into the survivor, the deal page recomputes the merged-away company.
--
-- The repair: every fact trigger also notes the keys its statement wrote (a person, contact,
-- Stripe customer, OpenApply student, company or deal), in the same transaction, so a note becomes
-- visible exactly when its rows do. Each ingest run's closing pass takes the notes committed so far,
-- resolves them to people and companies as they are then, and recomputes those with the same
-- functions the triggers use. Of two racing transactions the later to commit has its note taken by
-- a pass that sees both, and resolving its keys then finds the person or company the other one
-- connected (a key the other made unreachable was noted by that one).

CREATE TABLE "WarehouseFactChange" (
    "id" BIGSERIAL NOT NULL,
    "kind" TEXT NOT NULL,
    "key" TEXT NOT NULL,

    CONSTRAINT "WarehouseFactChange_pkey" PRIMARY KEY ("id")
);

CREATE FUNCTION warehouse_note_fact_changes(change_kind text, keys text[]) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO "WarehouseFactChange" (kind, key)
  SELECT DISTINCT change_kind, k FROM unnest(keys) k WHERE k IS NOT NULL
$$;

-- ── funnel ──

-- Resolving keys to people, in time linear in the keys. Measured: one INSERT of 5,000 Purchase
-- rows took 25 s. The lookups were joins of unnest(ids) with IdentityLink; a SQL function's array
-- argument is planned as 10 elements and an IdentityLink filled in the same transaction looks
-- empty to the planner, so it walked every HUBSPOT link and compared each with the whole array.
-- Here each key is looked up on its own: a LATERAL subquery that OFFSET 0 keeps from being
-- flattened runs once per key of the outer unnest, with equality on both columns of the unique
-- (system, externalId) index — no other plan is possible, whatever the statistics say.

-- The people linked to these HubSpot contacts, directly or through a contact merged into one.
CREATE OR REPLACE FUNCTION warehouse_funnel_people_of_contacts(ids text[]) RETURNS text[]
SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off
LANGUAGE sql STABLE AS $$
  SELECT ARRAY(
    SELECT DISTINCT p.person
      FROM (SELECT DISTINCT x.id FROM unnest(ids) x(id) WHERE x.id IS NOT NULL) x
     CROSS JOIN LATERAL (SELECT x.id AS contact
                         UNION ALL
                         SELECT c.id FROM "HubspotContact" c WHERE c."mergedIntoId" = x.id
                         OFFSET 0) k
     CROSS JOIN LATERAL (SELECT l."personId" AS person FROM "IdentityLink" l
                          WHERE l.system = 'HUBSPOT' AND l."externalId" = k.contact OFFSET 0) p)
$$;

-- The people whose purchases of these Stripe customers count: by a STRIPE link, or by the
-- contact the customer is mapped to.
CREATE OR REPLACE FUNCTION warehouse_funnel_people_of_customers(ids text[]) RETURNS text[]
SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off
LANGUAGE sql STABLE AS $$
  SELECT ARRAY(
    SELECT DISTINCT p.person
      FROM (SELECT DISTINCT x.id FROM unnest(ids) x(id) WHERE x.id IS NOT NULL) x
     CROSS JOIN LATERAL (
       SELECT l."personId" AS person FROM "IdentityLink" l WHERE l.system = 'STRIPE' AND l."externalId" = x.id
       UNION ALL
       SELECT ml.person FROM "ContactCustomerMap" m
        CROSS JOIN LATERAL (SELECT l."personId" AS person FROM "IdentityLink" l
                             WHERE l.system = 'HUBSPOT' AND l."externalId" = m."hubspotContactId" OFFSET 0) ml
        WHERE m."stripeCustomerId" = x.id
       OFFSET 0) p)
$$;

-- The people whose facts depend on these keys (as the triggers resolve them; NULLs ignored).
CREATE FUNCTION warehouse_funnel_people_of_keys(persons text[], contacts text[], customers text[],
                                                students text[]) RETURNS text[]
SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off
LANGUAGE sql STABLE AS $$
  SELECT ARRAY(
    SELECT p FROM unnest(persons) p WHERE p IS NOT NULL
    UNION SELECT unnest(warehouse_funnel_people_of_contacts(contacts))
    UNION SELECT unnest(warehouse_funnel_people_of_customers(customers))
    UNION SELECT p.person FROM (SELECT DISTINCT x.id FROM unnest(students) x(id) WHERE x.id IS NOT NULL) x
            CROSS JOIN LATERAL (SELECT l."personId" AS person FROM "IdentityLink" l
                                 WHERE l.system = 'OPENAPPLY' AND l."externalId" = x.id OFFSET 0) p)
$$;

-- As before, but each statement's keys are noted before they are resolved.
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
  IF TG_TABLE_NAME IN ('WechatFollower', 'UserCode') THEN
    IF rows_new THEN persons := persons || ARRAY(SELECT openid FROM new_rows); END IF;
    IF rows_old THEN persons := persons || ARRAY(SELECT openid FROM old_rows); END IF;
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
  PERFORM warehouse_note_fact_changes('person', persons);
  PERFORM warehouse_note_fact_changes('contact', contacts);
  PERFORM warehouse_note_fact_changes('customer', customers);
  PERFORM warehouse_note_fact_changes('student', students);
  PERFORM warehouse_refresh_funnel_facts(warehouse_funnel_people_of_keys(persons, contacts, customers, students));
  RETURN NULL;
END $$;

-- The facts of these followers, as before (same stages, same paths), with a person's links found
-- differently. Measured: one INSERT of 50,000 IdentityLink rows took 158 s. The statement's trigger recomputes
-- its 50,000 people; with the statistics of an IdentityLink that was empty when last analysed, the
-- planner answered `l.system = 'HUBSPOT' AND l."personId" = w.openid` with a bitmap AND of
-- IdentityLink_personId_idx and a range scan of the unique (system, externalId) index over every
-- HUBSPOT link (an index scan of that range when the two tie) — per person, so quadratic.
-- `l.system::text` is no index condition: the person's links come from IdentityLink_personId_idx
-- alone (enable_seqscan = off rules out a scan), whatever the statistics say, and once per person
-- rather than once per stage (five probes before; 30 % of the time). The followers are looked up
-- one per person as above; the DELETE's `= ANY` is an index condition on the key. JIT is off:
-- these are index lookups, and compiling them cost ~0.7 s per bulk statement.
-- A fact that is already right is not rewritten, so the function can return how many facts it
-- changed (written or removed): what a repair pass reports as fixed.
DROP FUNCTION warehouse_refresh_funnel_facts(text[]);
CREATE FUNCTION warehouse_refresh_funnel_facts(openids text[]) RETURNS integer
SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off SET jit = off
LANGUAGE plpgsql AS $$
DECLARE
  removed integer;
  written integer;
BEGIN
  IF openids IS NULL OR cardinality(openids) = 0 THEN RETURN 0; END IF;
  DELETE FROM "FunnelFact" f
   WHERE f.openid = ANY(openids) AND NOT EXISTS (SELECT 1 FROM "WechatFollower" w WHERE w.openid = f.openid);
  GET DIAGNOSTICS removed = ROW_COUNT;
  INSERT INTO "FunnelFact" (openid, "campaignId", "firstTouchAt", "codeIssuedAt", "contactLinkedAt",
    "lifecycleRank", "leadAt", "mqlAt", "sqlAt", "opportunityAt", "customerAt", "appliedAt", "enrolledAt", "paidAt")
  SELECT w.openid, w."campaignId", LEAST(COALESCE(w."subscribedAt", w."firstSeenAt"), w."firstSeenAt"),
         (SELECT uc."issuedAt" FROM "UserCode" uc WHERE uc.openid = w.openid),
         k.linked_at, COALESCE(k.rank, 0), k.lead_at, k.mql_at, k.sql_at, k.opportunity_at, k.customer_at,
         k.applied_at, k.enrolled_at, k.paid_at
    FROM (SELECT DISTINCT x.openid FROM unnest(openids) x(openid)) x
    CROSS JOIN LATERAL (SELECT * FROM "WechatFollower" w WHERE w.openid = x.openid OFFSET 0) w
    -- The person's links, read once, and what each leads to (at most one contact, one application
    -- and one earliest payment per link, so the aggregates see each link once).
    CROSS JOIN LATERAL (
      SELECT min(l."linkedAt") FILTER (WHERE l.system::text = 'HUBSPOT') AS linked_at,
             max(c."lifecycleRank") AS rank, min(c."leadAt") AS lead_at, min(c."mqlAt") AS mql_at,
             min(c."sqlAt") AS sql_at, min(c."opportunityAt") AS opportunity_at, min(c."customerAt") AS customer_at,
             min(a."appliedAt") AS applied_at, min(a."enrolledAt") AS enrolled_at, min(pd.paid_at) AS paid_at
        FROM "IdentityLink" l
        -- A linked HubSpot contact (a merged-away one stands for its survivor).
        LEFT JOIN LATERAL (SELECT c.* FROM "HubspotContact" c0
                             JOIN "HubspotContact" c ON c.id = COALESCE(c0."mergedIntoId", c0.id)
                            WHERE l.system::text = 'HUBSPOT' AND c0.id = l."externalId" OFFSET 0) c ON true
        LEFT JOIN LATERAL (SELECT a.* FROM "Application" a
                            WHERE l.system::text = 'OPENAPPLY' AND a."studentId" = l."externalId" OFFSET 0) a ON true
        -- Stripe purchases: by the linked contact, by the customer mapped to it, by a STRIPE link.
        LEFT JOIN LATERAL (
          SELECT min(y.paid_at) AS paid_at FROM (
            SELECT p."paidAt" AS paid_at FROM "Purchase" p
             WHERE l.system::text = 'HUBSPOT' AND p."hubspotContactId" = l."externalId"
            UNION ALL
            SELECT p."paidAt" FROM "ContactCustomerMap" m JOIN "Purchase" p ON p."stripeCustomerId" = m."stripeCustomerId"
             WHERE l.system::text = 'HUBSPOT' AND m."hubspotContactId" = l."externalId"
            UNION ALL
            SELECT p."paidAt" FROM "Purchase" p
             WHERE l.system::text = 'STRIPE' AND p."stripeCustomerId" = l."externalId") y
        ) pd ON true
       WHERE l."personId" = w.openid
    ) k
  -- Two writers recomputing one person at once: the later answer stays, no failure.
  ON CONFLICT (openid) DO UPDATE SET "campaignId" = EXCLUDED."campaignId",
    "firstTouchAt" = EXCLUDED."firstTouchAt", "codeIssuedAt" = EXCLUDED."codeIssuedAt",
    "contactLinkedAt" = EXCLUDED."contactLinkedAt", "lifecycleRank" = EXCLUDED."lifecycleRank",
    "leadAt" = EXCLUDED."leadAt", "mqlAt" = EXCLUDED."mqlAt", "sqlAt" = EXCLUDED."sqlAt",
    "opportunityAt" = EXCLUDED."opportunityAt", "customerAt" = EXCLUDED."customerAt",
    "appliedAt" = EXCLUDED."appliedAt", "enrolledAt" = EXCLUDED."enrolledAt", "paidAt" = EXCLUDED."paidAt"
   WHERE "FunnelFact" IS DISTINCT FROM EXCLUDED;
  GET DIAGNOSTICS written = ROW_COUNT;
  RETURN removed + written;
END $$;

-- ── company spend ──

-- The companies these deals are associated with: one lookup of the association key per deal (as
-- the funnel's key lookups above), whatever the statistics say.
CREATE FUNCTION warehouse_companies_of_deals(deal_ids text[]) RETURNS text[]
SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off
LANGUAGE sql STABLE AS $$
  SELECT ARRAY(
    SELECT DISTINCT a.company
      FROM (SELECT DISTINCT x.id FROM unnest(deal_ids) x(id) WHERE x.id IS NOT NULL) x
     CROSS JOIN LATERAL (SELECT a."toId" AS company FROM "HubspotAssociation" a
                          WHERE a."fromType" = 'deals' AND a."fromId" = x.id AND a."toType" = 'companies'
                          OFFSET 0) a)
$$;

-- The spend triggers as before (deferred: nothing to do), each noting its keys first.
CREATE OR REPLACE FUNCTION warehouse_deal_spend_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE ids text[];
BEGIN
  IF warehouse_spend_deferred() THEN RETURN NULL; END IF;
  ids := ARRAY(SELECT id FROM changed_deals);
  PERFORM warehouse_note_fact_changes('deal', ids);
  PERFORM warehouse_refresh_company_spend(warehouse_companies_of_deals(ids));
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION warehouse_association_spend_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE ids text[];
BEGIN
  IF warehouse_spend_deferred() THEN RETURN NULL; END IF;
  ids := ARRAY(SELECT DISTINCT x."toId" FROM changed_associations x
                WHERE x."fromType" = 'deals' AND x."toType" = 'companies');
  PERFORM warehouse_note_fact_changes('company', ids);
  PERFORM warehouse_refresh_company_spend(ids);
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION warehouse_association_update_spend_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE ids text[];
BEGIN
  IF warehouse_spend_deferred() THEN RETURN NULL; END IF;
  ids := ARRAY(SELECT x."toId" FROM old_associations x WHERE x."fromType" = 'deals' AND x."toType" = 'companies'
               UNION
               SELECT x."toId" FROM new_associations x WHERE x."fromType" = 'deals' AND x."toType" = 'companies');
  PERFORM warehouse_note_fact_changes('company', ids);
  PERFORM warehouse_refresh_company_spend(ids);
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION warehouse_company_spend_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE ids text[];
BEGIN
  IF warehouse_spend_deferred() THEN RETURN NULL; END IF;
  ids := ARRAY(SELECT id FROM changed_companies);
  PERFORM warehouse_note_fact_changes('company', ids);
  PERFORM warehouse_refresh_company_spend(ids);
  RETURN NULL;
END $$;

-- ── the repair passes (lib/warehouse/fact-repair.ts, each ingest run's closing step) ──

-- How many of these keyed rows differ between two sets of `key ␟ row` strings (what a pass fixed).
CREATE FUNCTION warehouse_changed_keys(before text[], after text[]) RETURNS integer
LANGUAGE sql IMMUTABLE AS $$
  SELECT count(DISTINCT split_part(v, chr(31), 1))::integer FROM (
    (SELECT unnest(before) EXCEPT SELECT unnest(after))
    UNION ALL
    (SELECT unnest(after) EXCEPT SELECT unnest(before))) d(v)
$$;

-- Takes the funnel notes committed so far and recomputes their people. Returns how many people
-- were recomputed and how many of their facts were wrong (or missing, or left over).
CREATE FUNCTION warehouse_repair_funnel_facts(OUT people integer, OUT fixed integer)
LANGUAGE plpgsql AS $$
DECLARE
  ids text[];
BEGIN
  WITH taken AS (
    DELETE FROM "WarehouseFactChange" WHERE kind IN ('person', 'contact', 'customer', 'student')
    RETURNING kind, key)
  SELECT warehouse_funnel_people_of_keys(
           ARRAY(SELECT key FROM taken WHERE kind = 'person'),
           ARRAY(SELECT key FROM taken WHERE kind = 'contact'),
           ARRAY(SELECT key FROM taken WHERE kind = 'customer'),
           ARRAY(SELECT key FROM taken WHERE kind = 'student'))
    INTO ids;
  people := cardinality(ids);
  fixed := warehouse_refresh_funnel_facts(ids);
END $$;

-- Takes the spend notes committed so far and recomputes their companies (the companies of noted
-- deals as associated now); `everything`: every company (a full refresh, whose pages deferred
-- spend). Returns how many companies were recomputed and how many had a wrong spend.
CREATE FUNCTION warehouse_repair_company_spend(everything boolean, OUT companies integer, OUT fixed integer)
LANGUAGE plpgsql AS $$
DECLARE
  ids text[];
  before text[];
BEGIN
  WITH taken AS (DELETE FROM "WarehouseFactChange" WHERE kind IN ('company', 'deal') RETURNING kind, key)
  SELECT ARRAY(
    SELECT key FROM taken WHERE kind = 'company'
    UNION
    SELECT unnest(warehouse_companies_of_deals(ARRAY(SELECT DISTINCT key FROM taken WHERE kind = 'deal'))))
    INTO ids;
  IF everything THEN
    ids := ARRAY(SELECT id FROM "HubspotCompany" UNION SELECT "companyId" FROM "WarehouseCompanySpend");
  END IF;
  companies := cardinality(ids);
  IF companies = 0 THEN fixed := 0; RETURN; END IF;
  before := ARRAY(SELECT s."companyId" || chr(31) || s.currency || chr(31) || s.total
                    FROM "WarehouseCompanySpend" s WHERE s."companyId" = ANY(ids));
  PERFORM warehouse_refresh_company_spend(ids);
  fixed := warehouse_changed_keys(before,
    ARRAY(SELECT s."companyId" || chr(31) || s.currency || chr(31) || s.total
            FROM "WarehouseCompanySpend" s WHERE s."companyId" = ANY(ids)));
END $$;
