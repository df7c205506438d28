-- Warehouse reads without per-row work at query time (issue 7's page and funnel targets).
-- Hand-written: generated columns, triggers and the views are outside Prisma's schema language.

-- ── contacts_to_users: a stored normalised email on both sides, indexed ──
-- lower(email) with every whitespace removed, kept by PostgreSQL itself on every write (whoever
-- writes: the ingest, the business import, a test fixture), so the join is a plain equality.
DROP INDEX "HubspotContact_email_norm_idx";
DROP INDEX "AppUser_email_norm_idx";
ALTER TABLE "HubspotContact"
  ADD COLUMN "emailNorm" TEXT GENERATED ALWAYS AS (lower(regexp_replace(email, '\s', '', 'g'))) STORED;
ALTER TABLE "AppUser"
  ADD COLUMN "emailNorm" TEXT GENERATED ALWAYS AS (lower(regexp_replace(email, '\s', '', 'g'))) STORED;
CREATE INDEX "HubspotContact_emailNorm_idx" ON "HubspotContact"("emailNorm");
CREATE INDEX "AppUser_emailNorm_idx" ON "AppUser"("emailNorm");

CREATE OR REPLACE VIEW contacts_to_users AS
SELECT c.id                 AS contact_id,
       c."firstName"        AS first_name,
       c."lastName"         AS last_name,
       u."userId"           AS user_id,
       u.email              AS email,
       u."lifetimeSpend"    AS client_lifetime_spend,
       u.currency           AS currency
  FROM "HubspotContact" c
  JOIN "AppUser" u ON u."emailNorm" = c."emailNorm"
 WHERE NOT c.archived AND c."mergedIntoId" IS NULL;

-- ── funnel: typed lifecycle facts on the contact, set on write ──
ALTER TABLE "HubspotContact"
  ADD COLUMN "lifecycleRank" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "leadAt" TIMESTAMP(3),
  ADD COLUMN "mqlAt" TIMESTAMP(3),
  ADD COLUMN "sqlAt" TIMESTAMP(3),
  ADD COLUMN "opportunityAt" TIMESTAMP(3),
  ADD COLUMN "customerAt" TIMESTAMP(3);

-- A HubSpot date property (epoch milliseconds or ISO 8601) as UTC wall time, as Prisma stores
-- DateTime; NULL when absent or unreadable (an unreadable date must not fail the ingest's write).
CREATE FUNCTION warehouse_hubspot_date(v text) RETURNS timestamp(3)
LANGUAGE plpgsql STABLE AS $$
BEGIN
  IF v IS NULL THEN RETURN NULL; END IF;
  IF v ~ '^\d{10,}$' THEN RETURN to_timestamp(v::bigint / 1000.0) AT TIME ZONE 'UTC'; END IF;
  IF v ~ '^\d{4}-\d{2}-\d{2}' THEN RETURN v::timestamptz AT TIME ZONE 'UTC'; END IF;
  RETURN NULL;
EXCEPTION WHEN others THEN
  RETURN NULL;
END $$;

-- HubSpot's lifecycle order (funnel-stages.ts LIFECYCLE_RANK): evangelist counts as customer.
CREATE FUNCTION warehouse_contact_lifecycle() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  p jsonb := NEW.raw -> 'properties';
BEGIN
  NEW."lifecycleRank" := CASE lower(NEW."lifecycleStage")
    WHEN 'lead' THEN 1 WHEN 'marketingqualifiedlead' THEN 2 WHEN 'salesqualifiedlead' THEN 3
    WHEN 'opportunity' THEN 4 WHEN 'customer' THEN 5 WHEN 'evangelist' THEN 5 ELSE 0 END;
  NEW."leadAt" := warehouse_hubspot_date(p ->> 'hs_lifecyclestage_lead_date');
  NEW."mqlAt" := warehouse_hubspot_date(p ->> 'hs_lifecyclestage_marketingqualifiedlead_date');
  NEW."sqlAt" := warehouse_hubspot_date(p ->> 'hs_lifecyclestage_salesqualifiedlead_date');
  NEW."opportunityAt" := warehouse_hubspot_date(p ->> 'hs_lifecyclestage_opportunity_date');
  NEW."customerAt" := warehouse_hubspot_date(p ->> 'hs_lifecyclestage_customer_date');
  RETURN NEW;
END $$;

CREATE TRIGGER "HubspotContact_lifecycle"
  BEFORE INSERT OR UPDATE OF raw, "lifecycleStage", "lifecycleRank", "leadAt", "mqlAt", "sqlAt",
    "opportunityAt", "customerAt" ON "HubspotContact"
  FOR EACH ROW EXECUTE FUNCTION warehouse_contact_lifecycle();

-- Existing rows: the trigger fills them.
UPDATE "HubspotContact" SET raw = raw;

-- ── team_spending: candidates as a maintained table instead of a materialised view ──
DROP VIEW team_spending;
DROP MATERIALIZED VIEW warehouse_company_team_candidates;
DELETE FROM "AppSetting" WHERE key = 'warehouse.teamMatchInputs';

CREATE TABLE "WarehouseTeamCandidate" (
    "companyId" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "score" REAL NOT NULL,

    CONSTRAINT "WarehouseTeamCandidate_pkey" PRIMARY KEY ("companyId","teamId")
);
CREATE INDEX "WarehouseTeamCandidate_teamId_idx" ON "WarehouseTeamCandidate"("teamId");

-- The three nearest teams of each given live company (KNN over Team_name_trgm_idx), scores below
-- 0.1 (the threshold's lower bound) never kept. Replaces what those companies had. Called with a
-- page of ingested companies, or with the companies a team import can affect.
CREATE FUNCTION warehouse_refresh_team_candidates(company_ids text[]) RETURNS integer
SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off
LANGUAGE plpgsql AS $$
DECLARE n integer;
BEGIN
  -- IN (SELECT unnest(…)), not = ANY(…): a long array in a filter is compared element by element
  -- for every row; as a set it is joined.
  DELETE FROM "WarehouseTeamCandidate" WHERE "companyId" IN (SELECT unnest(company_ids));
  INSERT INTO "WarehouseTeamCandidate" ("companyId", "teamId", score)
  SELECT c.id, t.team_id, t.score
    FROM "HubspotCompany" c
   CROSS JOIN LATERAL (
     SELECT tm."teamId" AS team_id,
            similarity(lower(btrim(tm.name)), lower(btrim(c.name)))::real AS score
       FROM "Team" tm
      -- Distance alone: a second sort key would stop PostgreSQL using the GiST index as a KNN scan.
      ORDER BY lower(btrim(tm.name)) <-> lower(btrim(c.name))
      LIMIT 3
   ) t
   WHERE c.id IN (SELECT unnest(company_ids))
     AND NOT c.archived AND c."mergedIntoId" IS NULL AND c.name IS NOT NULL AND btrim(c.name) <> ''
     AND t.score >= 0.1;
  GET DIAGNOSTICS n = ROW_COUNT;
  PERFORM warehouse_refresh_team_matches(company_ids);
  RETURN n;
END $$;


-- ── team_spending: spend per company and currency as a table kept by triggers ──
-- (Every company has at least one row, so team_spending can start from this table in spend order.)
-- Sorting 20,000 companies by their deals' money must not aggregate 50,000 deals on every page
-- view. Statement triggers on HubspotDeal and HubspotAssociation recompute the spend of the
-- companies a statement touched (whoever writes), so the table is never behind the deals.
-- `currency` '' stands for a deal without a currency (a key column cannot be NULL).
CREATE TABLE "WarehouseCompanySpend" (
    "companyId" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "total" DECIMAL(18,2) NOT NULL,

    CONSTRAINT "WarehouseCompanySpend_pkey" PRIMARY KEY ("companyId","currency")
);

CREATE FUNCTION warehouse_refresh_company_spend(company_ids text[]) RETURNS void
LANGUAGE plpgsql
SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off
AS $$
BEGIN
  IF company_ids IS NULL OR cardinality(company_ids) = 0 THEN RETURN; END IF;
  -- A full refresh's page writes defer spend (SET LOCAL revbridge.defer_spend): its closing pass
  -- recomputes every company once instead of once per page, which made deal pages write-bound.
  IF current_setting('revbridge.defer_spend', true) = 'on' THEN RETURN; END IF;
  DELETE FROM "WarehouseCompanySpend" WHERE "companyId" IN (SELECT unnest(company_ids));
  -- Upserts, not plain inserts: two writers recomputing one company at once keep the later
  -- answer instead of failing on each other's row (the ingest's closing pass recomputes all).
  INSERT INTO "WarehouseCompanySpend" ("companyId", currency, total)
  SELECT a."toId", COALESCE(d.currency, ''), sum(d.amount)
    FROM (SELECT DISTINCT unnest(company_ids) AS id) x
    JOIN "HubspotAssociation" a ON a."fromType" = 'deals' AND a."toType" = 'companies' AND a."toId" = x.id
    JOIN "HubspotDeal" d ON d.id = a."fromId"
   WHERE d.amount IS NOT NULL AND NOT d.archived AND d."mergedIntoId" IS NULL
   GROUP BY a."toId", COALESCE(d.currency, '')
  ON CONFLICT ("companyId", currency) DO UPDATE SET total = EXCLUDED.total;
  -- A company without priced deals: one row of 0 (team_spending lists it with currency NULL).
  INSERT INTO "WarehouseCompanySpend" ("companyId", currency, total)
  SELECT c.id, '', 0
    FROM (SELECT DISTINCT unnest(company_ids) AS id) x
    JOIN "HubspotCompany" c ON c.id = x.id
   WHERE NOT EXISTS (SELECT 1 FROM "WarehouseCompanySpend" s WHERE s."companyId" = c.id)
  ON CONFLICT ("companyId", currency) DO NOTHING;
END $$;

-- The maintenance functions below touch the rows of a page's keys (≤ 100 per call): their plans
-- must be index lookups. Mid-ingest the planner's statistics still describe near-empty tables and
-- it picks scans of the whole association index per page (quadratic over a 50,000-deal refresh),
-- hence SET enable_seqscan/hashjoin/mergejoin = off on each of them.

-- Deals inserted, updated or deleted: the companies they are associated with.
CREATE FUNCTION warehouse_deal_spend_trigger() RETURNS trigger
SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM warehouse_refresh_company_spend(ARRAY(
    SELECT DISTINCT a."toId" FROM "HubspotAssociation" a
     WHERE a."fromType" = 'deals' AND a."toType" = 'companies'
       AND a."fromId" IN (SELECT id FROM changed_deals)));
  RETURN NULL;
END $$;
CREATE TRIGGER "HubspotDeal_spend_insert" AFTER INSERT ON "HubspotDeal"
  REFERENCING NEW TABLE AS changed_deals FOR EACH STATEMENT EXECUTE FUNCTION warehouse_deal_spend_trigger();
CREATE TRIGGER "HubspotDeal_spend_update" AFTER UPDATE ON "HubspotDeal"
  REFERENCING NEW TABLE AS changed_deals FOR EACH STATEMENT EXECUTE FUNCTION warehouse_deal_spend_trigger();
-- A deleted deal's associations may still be there (or be deleted in the same transaction).
CREATE TRIGGER "HubspotDeal_spend_delete" AFTER DELETE ON "HubspotDeal"
  REFERENCING OLD TABLE AS changed_deals FOR EACH STATEMENT EXECUTE FUNCTION warehouse_deal_spend_trigger();

-- Deal ↔ company associations added or removed: those companies.
CREATE FUNCTION warehouse_association_spend_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM warehouse_refresh_company_spend(ARRAY(
    SELECT DISTINCT x."toId" FROM changed_associations x
     WHERE x."fromType" = 'deals' AND x."toType" = 'companies'));
  RETURN NULL;
END $$;
CREATE TRIGGER "HubspotAssociation_spend_insert" AFTER INSERT ON "HubspotAssociation"
  REFERENCING NEW TABLE AS changed_associations FOR EACH STATEMENT
  EXECUTE FUNCTION warehouse_association_spend_trigger();
CREATE TRIGGER "HubspotAssociation_spend_delete" AFTER DELETE ON "HubspotAssociation"
  REFERENCING OLD TABLE AS changed_associations FOR EACH STATEMENT
  EXECUTE FUNCTION warehouse_association_spend_trigger();
CREATE FUNCTION warehouse_association_update_spend_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM warehouse_refresh_company_spend(ARRAY(
    SELECT x."toId" FROM old_associations x WHERE x."fromType" = 'deals' AND x."toType" = 'companies'
    UNION
    SELECT x."toId" FROM new_associations x WHERE x."fromType" = 'deals' AND x."toType" = 'companies'));
  RETURN NULL;
END $$;
CREATE TRIGGER "HubspotAssociation_spend_update" AFTER UPDATE ON "HubspotAssociation"
  REFERENCING OLD TABLE AS old_associations NEW TABLE AS new_associations FOR EACH STATEMENT
  EXECUTE FUNCTION warehouse_association_update_spend_trigger();

-- A new company starts with its row of 0 (or the deals already associated with it).
CREATE FUNCTION warehouse_company_spend_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM warehouse_refresh_company_spend(ARRAY(SELECT id FROM changed_companies));
  RETURN NULL;
END $$;
CREATE TRIGGER "HubspotCompany_spend_insert" AFTER INSERT ON "HubspotCompany"
  REFERENCING NEW TABLE AS changed_companies FOR EACH STATEMENT
  EXECUTE FUNCTION warehouse_company_spend_trigger();
CREATE TRIGGER "HubspotCompany_spend_delete" AFTER DELETE ON "HubspotCompany"
  REFERENCING OLD TABLE AS changed_companies FOR EACH STATEMENT
  EXECUTE FUNCTION warehouse_company_spend_trigger();

SELECT warehouse_refresh_company_spend(ARRAY(
  SELECT id FROM "HubspotCompany"
  UNION SELECT "toId" FROM "HubspotAssociation" WHERE "fromType" = 'deals' AND "toType" = 'companies'));
-- team_spending's default order: the most money first (ties by company).
CREATE INDEX "WarehouseCompanySpend_total_companyId_idx" ON "WarehouseCompanySpend"(total DESC NULLS LAST, "companyId");

-- ── team_spending: the match of each company, kept as a table ──
-- The team of a company: the manual override(s) when staff set one (TeamMatchOverride.matched =
-- true; wins), else its most similar candidate at or above warehouse_team_match_threshold() that
-- staff have not ruled out (matched = false). Recomputed, in the writing transaction, for the
-- companies whose candidates or overrides change, and for all of them when the threshold changes,
-- so team_spending is plain joins and never behind its inputs.
CREATE TABLE "WarehouseTeamMatch" (
    "companyId" TEXT NOT NULL,
    "teamId" TEXT NOT NULL,
    "score" REAL,
    "source" TEXT NOT NULL,

    CONSTRAINT "WarehouseTeamMatch_pkey" PRIMARY KEY ("companyId","teamId")
);

-- NULL: every company (a threshold change).
CREATE FUNCTION warehouse_refresh_team_matches(company_ids text[]) RETURNS void
SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off
LANGUAGE plpgsql AS $$
BEGIN
  IF company_ids IS NULL THEN
    company_ids := ARRAY(SELECT id FROM "HubspotCompany" UNION SELECT "companyId" FROM "TeamMatchOverride"
                         UNION SELECT "companyId" FROM "WarehouseTeamMatch");
  END IF;
  DELETE FROM "WarehouseTeamMatch" WHERE "companyId" IN (SELECT unnest(company_ids));
  INSERT INTO "WarehouseTeamMatch" ("companyId", "teamId", score, source)
  SELECT o."companyId", o."teamId", NULL, 'manual'
    FROM "TeamMatchOverride" o
   WHERE o.matched AND o."companyId" IN (SELECT unnest(company_ids))
  UNION ALL
  (SELECT DISTINCT ON (cand."companyId") cand."companyId", cand."teamId", cand.score, 'fuzzy'
     FROM "WarehouseTeamCandidate" cand
    WHERE cand."companyId" IN (SELECT unnest(company_ids))
      AND cand.score >= warehouse_team_match_threshold()
      AND NOT EXISTS (SELECT 1 FROM "TeamMatchOverride" o
                       WHERE o."companyId" = cand."companyId" AND o.matched)
      AND NOT EXISTS (SELECT 1 FROM "TeamMatchOverride" o
                       WHERE o."companyId" = cand."companyId" AND o."teamId" = cand."teamId" AND NOT o.matched)
    ORDER BY cand."companyId", cand.score DESC, cand."teamId")
  -- A concurrent writer recomputing the same company: keep the later answer.
  ON CONFLICT ("companyId", "teamId") DO UPDATE SET score = EXCLUDED.score, source = EXCLUDED.source;
END $$;

-- Overrides added, changed or removed: those companies.
CREATE FUNCTION warehouse_override_match_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM warehouse_refresh_team_matches(ARRAY(SELECT "companyId" FROM changed_overrides));
  RETURN NULL;
END $$;
CREATE TRIGGER "TeamMatchOverride_match_insert" AFTER INSERT ON "TeamMatchOverride"
  REFERENCING NEW TABLE AS changed_overrides FOR EACH STATEMENT
  EXECUTE FUNCTION warehouse_override_match_trigger();
CREATE TRIGGER "TeamMatchOverride_match_update" AFTER UPDATE ON "TeamMatchOverride"
  REFERENCING NEW TABLE AS changed_overrides FOR EACH STATEMENT
  EXECUTE FUNCTION warehouse_override_match_trigger();
CREATE TRIGGER "TeamMatchOverride_match_delete" AFTER DELETE ON "TeamMatchOverride"
  REFERENCING OLD TABLE AS changed_overrides FOR EACH STATEMENT
  EXECUTE FUNCTION warehouse_override_match_trigger();

-- The threshold setting written or removed: every company.
CREATE FUNCTION warehouse_threshold_match_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM warehouse_refresh_team_matches(NULL);
  RETURN NULL;
END $$;
CREATE TRIGGER "AppSetting_threshold_write" AFTER INSERT OR UPDATE ON "AppSetting"
  FOR EACH ROW WHEN (NEW.key = 'warehouse.teamMatchThreshold')
  EXECUTE FUNCTION warehouse_threshold_match_trigger();
CREATE TRIGGER "AppSetting_threshold_delete" AFTER DELETE ON "AppSetting"
  FOR EACH ROW WHEN (OLD.key = 'warehouse.teamMatchThreshold')
  EXECUTE FUNCTION warehouse_threshold_match_trigger();

SELECT warehouse_refresh_team_candidates(ARRAY(SELECT id FROM "HubspotCompany"));

-- team_spending: each live company with its team (WarehouseTeamMatch: `match_source` manual or
-- fuzzy) and the money of its deals per currency (one row per currency; never mixed; deals with
-- an amount only). A matched company without priced deals has one row with 0 and currency NULL.
CREATE VIEW team_spending AS
SELECT co.id AS company_id,
       co.name AS company_name,
       m."teamId" AS team_id,
       t.name AS team_name,
       COALESCE(m.score, similarity(lower(btrim(t.name)), lower(btrim(co.name))))::real AS match_score,
       s.total AS total_team_spend,
       NULLIF(s.currency, '') AS currency,
       m.source AS match_source
  FROM "WarehouseCompanySpend" s
  JOIN "HubspotCompany" co ON co.id = s."companyId"
  JOIN "WarehouseTeamMatch" m ON m."companyId" = s."companyId"
  JOIN "Team" t ON t."teamId" = m."teamId"
 WHERE NOT co.archived AND co."mergedIntoId" IS NULL;

-- ── indexed orderings for the pages' default sorts (lib/analytics/warehouse-views.ts sorts DESC
-- NULLS LAST / ASC NULLS FIRST, ties by the view's unique columns): a page is an index walk that
-- stops after its rows instead of a sort of the whole join ──
CREATE INDEX "AppUser_lifetimeSpend_userId_idx" ON "AppUser"("lifetimeSpend" DESC NULLS LAST, "userId");
CREATE INDEX "AppUser_email_userId_idx" ON "AppUser"(email ASC NULLS FIRST, "userId");
CREATE INDEX "HubspotDeal_amount_id_idx" ON "HubspotDeal"(amount DESC NULLS LAST, id);
CREATE INDEX "HubspotDeal_closeDate_id_idx" ON "HubspotDeal"("closeDate" DESC NULLS LAST, id);
CREATE INDEX "HubspotCompany_name_id_idx" ON "HubspotCompany"(name ASC NULLS FIRST, id);

-- ── funnel: one row of facts per follower, kept by triggers ──
-- What computeFunnel used to join per request (codes, HubSpot links and the linked contacts'
-- lifecycle, OpenApply applications, Stripe purchases over three paths) for 100,000 people, kept
-- per person instead: every write to one of those tables recomputes the facts of the people it
-- touches, in the writing transaction. Definitions of each stage: lib/analytics/funnel-stages.ts.
CREATE INDEX "HubspotContact_mergedIntoId_idx" ON "HubspotContact"("mergedIntoId");

CREATE TABLE "FunnelFact" (
    "openid" TEXT NOT NULL,
    "campaignId" TEXT,
    "firstTouchAt" TIMESTAMP(3) NOT NULL,
    "codeIssuedAt" TIMESTAMP(3),
    "contactLinkedAt" TIMESTAMP(3),
    "lifecycleRank" INTEGER NOT NULL DEFAULT 0,
    "leadAt" TIMESTAMP(3),
    "mqlAt" TIMESTAMP(3),
    "sqlAt" TIMESTAMP(3),
    "opportunityAt" TIMESTAMP(3),
    "customerAt" TIMESTAMP(3),
    "appliedAt" TIMESTAMP(3),
    "enrolledAt" TIMESTAMP(3),
    "paidAt" TIMESTAMP(3),

    CONSTRAINT "FunnelFact_pkey" PRIMARY KEY ("openid")
);
CREATE INDEX "FunnelFact_campaignId_firstTouchAt_idx" ON "FunnelFact"("campaignId", "firstTouchAt");
CREATE INDEX "FunnelFact_firstTouchAt_idx" ON "FunnelFact"("firstTouchAt");

-- The facts of these followers from the source tables (a follower that no longer exists: none).
CREATE FUNCTION warehouse_refresh_funnel_facts(openids text[]) RETURNS void
SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off
LANGUAGE plpgsql AS $$
BEGIN
  IF openids IS NULL OR cardinality(openids) = 0 THEN RETURN; END IF;
  DELETE FROM "FunnelFact" f
   WHERE f.openid IN (SELECT unnest(openids)) AND NOT EXISTS (SELECT 1 FROM "WechatFollower" w WHERE w.openid = f.openid);
  INSERT INTO "FunnelFact" (openid, "campaignId", "firstTouchAt", "codeIssuedAt", "contactLinkedAt",
    "lifecycleRank", "leadAt", "mqlAt", "sqlAt", "opportunityAt", "customerAt", "appliedAt", "enrolledAt", "paidAt")
  SELECT w.openid, w."campaignId", LEAST(COALESCE(w."subscribedAt", w."firstSeenAt"), w."firstSeenAt"),
         (SELECT uc."issuedAt" FROM "UserCode" uc WHERE uc.openid = w.openid),
         hl.linked_at, COALESCE(hl.rank, 0), hl.lead_at, hl.mql_at, hl.sql_at, hl.opportunity_at, hl.customer_at,
         oa.applied_at, oa.enrolled_at, paid.paid_at
    FROM "WechatFollower" w
    -- The linked HubSpot contacts (a merged-away one stands for its survivor).
    CROSS JOIN LATERAL (
      SELECT min(l."linkedAt") AS linked_at, max(c."lifecycleRank") AS rank,
             min(c."leadAt") AS lead_at, min(c."mqlAt") AS mql_at, min(c."sqlAt") AS sql_at,
             min(c."opportunityAt") AS opportunity_at, min(c."customerAt") AS customer_at
        FROM "IdentityLink" l
        LEFT JOIN "HubspotContact" c0 ON c0.id = l."externalId"
        LEFT JOIN "HubspotContact" c ON c.id = COALESCE(c0."mergedIntoId", l."externalId")
       WHERE l.system = 'HUBSPOT' AND l."personId" = w.openid
    ) hl
    CROSS JOIN LATERAL (
      SELECT min(a."appliedAt") AS applied_at, min(a."enrolledAt") AS enrolled_at
        FROM "IdentityLink" l JOIN "Application" a ON a."studentId" = l."externalId"
       WHERE l.system = 'OPENAPPLY' AND l."personId" = w.openid
    ) oa
    -- Stripe purchases: by the linked contact, by the customer mapped to it, by a STRIPE link.
    CROSS JOIN LATERAL (
      SELECT min(x.paid_at) AS paid_at FROM (
        SELECT p."paidAt" AS paid_at FROM "IdentityLink" l
          JOIN "Purchase" p ON p."hubspotContactId" = l."externalId"
         WHERE l.system = 'HUBSPOT' AND l."personId" = w.openid
        UNION ALL
        SELECT p."paidAt" FROM "IdentityLink" l
          JOIN "ContactCustomerMap" m ON m."hubspotContactId" = l."externalId"
          JOIN "Purchase" p ON p."stripeCustomerId" = m."stripeCustomerId"
         WHERE l.system = 'HUBSPOT' AND l."personId" = w.openid
        UNION ALL
        SELECT p."paidAt" FROM "IdentityLink" l
          JOIN "Purchase" p ON p."stripeCustomerId" = l."externalId"
         WHERE l.system = 'STRIPE' AND l."personId" = w.openid
      ) x
    ) paid
   WHERE w.openid IN (SELECT unnest(openids))
  -- Two writers recomputing one person at once: the later answer stays, no failure.
  ON CONFLICT (openid) DO UPDATE SET "campaignId" = EXCLUDED."campaignId",
    "firstTouchAt" = EXCLUDED."firstTouchAt", "codeIssuedAt" = EXCLUDED."codeIssuedAt",
    "contactLinkedAt" = EXCLUDED."contactLinkedAt", "lifecycleRank" = EXCLUDED."lifecycleRank",
    "leadAt" = EXCLUDED."leadAt", "mqlAt" = EXCLUDED."mqlAt", "sqlAt" = EXCLUDED."sqlAt",
    "opportunityAt" = EXCLUDED."opportunityAt", "customerAt" = EXCLUDED."customerAt",
    "appliedAt" = EXCLUDED."appliedAt", "enrolledAt" = EXCLUDED."enrolledAt", "paidAt" = EXCLUDED."paidAt";
END $$;

-- The people linked to these HubSpot contacts, directly or through a contact merged into one.
CREATE FUNCTION warehouse_funnel_people_of_contacts(ids text[]) RETURNS text[]
SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off
LANGUAGE sql STABLE AS $$
  SELECT ARRAY(
    SELECT l."personId" FROM unnest(ids) x(id)
      JOIN "IdentityLink" l ON l.system = 'HUBSPOT' AND l."externalId" = x.id
    UNION
    SELECT l."personId" FROM unnest(ids) x(id)
      JOIN "HubspotContact" c ON c."mergedIntoId" = x.id
      JOIN "IdentityLink" l ON l.system = 'HUBSPOT' AND l."externalId" = c.id)
$$;

-- The people whose purchases of these Stripe customers count: by a STRIPE link, or by the
-- contact the customer is mapped to.
CREATE FUNCTION warehouse_funnel_people_of_customers(ids text[]) RETURNS text[]
SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off
LANGUAGE sql STABLE AS $$
  SELECT ARRAY(
    SELECT l."personId" FROM unnest(ids) x(id)
      JOIN "IdentityLink" l ON l.system = 'STRIPE' AND l."externalId" = x.id
    UNION
    SELECT l."personId" FROM unnest(ids) x(id)
      JOIN "ContactCustomerMap" m ON m."stripeCustomerId" = x.id
      JOIN "IdentityLink" l ON l.system = 'HUBSPOT' AND l."externalId" = m."hubspotContactId")
$$;

-- One trigger function per source table; `new_rows` / `old_rows` are the statement's transition
-- tables (only the one its event has is read).
CREATE FUNCTION warehouse_funnel_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  rows_new boolean := TG_OP IN ('INSERT', 'UPDATE');
  rows_old boolean := TG_OP IN ('UPDATE', 'DELETE');
  people text[] := '{}';
BEGIN
  IF TG_TABLE_NAME IN ('WechatFollower', 'UserCode') THEN
    IF rows_new THEN people := people || ARRAY(SELECT openid FROM new_rows); END IF;
    IF rows_old THEN people := people || ARRAY(SELECT openid FROM old_rows); END IF;
  ELSIF TG_TABLE_NAME = 'IdentityLink' THEN
    IF rows_new THEN people := people || ARRAY(SELECT "personId" FROM new_rows); END IF;
    IF rows_old THEN people := people || ARRAY(SELECT "personId" FROM old_rows); END IF;
  ELSIF TG_TABLE_NAME = 'HubspotContact' THEN
    -- Only contacts whose lifecycle facts or merge changed (an ingest rewrites whole pages).
    IF TG_OP = 'INSERT' THEN
      people := warehouse_funnel_people_of_contacts(ARRAY(SELECT id FROM new_rows));
    ELSIF TG_OP = 'DELETE' THEN
      people := warehouse_funnel_people_of_contacts(ARRAY(SELECT id FROM old_rows));
    ELSE
      people := warehouse_funnel_people_of_contacts(ARRAY(
        SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
         WHERE (n."lifecycleRank", n."leadAt", n."mqlAt", n."sqlAt", n."opportunityAt", n."customerAt", n."mergedIntoId")
               IS DISTINCT FROM
               (o."lifecycleRank", o."leadAt", o."mqlAt", o."sqlAt", o."opportunityAt", o."customerAt", o."mergedIntoId")
        UNION ALL
        SELECT o."mergedIntoId" FROM new_rows n JOIN old_rows o ON o.id = n.id
         WHERE o."mergedIntoId" IS DISTINCT FROM n."mergedIntoId" AND o."mergedIntoId" IS NOT NULL));
    END IF;
  ELSIF TG_TABLE_NAME = 'Application' THEN
    IF rows_new THEN
      people := people || ARRAY(SELECT l."personId" FROM "IdentityLink" l JOIN new_rows n
                                    ON l.system = 'OPENAPPLY' AND l."externalId" = n."studentId");
    END IF;
    IF rows_old THEN
      people := people || ARRAY(SELECT l."personId" FROM "IdentityLink" l JOIN old_rows o
                                    ON l.system = 'OPENAPPLY' AND l."externalId" = o."studentId");
    END IF;
  ELSIF TG_TABLE_NAME = 'Purchase' THEN
    IF rows_new THEN
      people := people
        || warehouse_funnel_people_of_contacts(ARRAY(SELECT "hubspotContactId" FROM new_rows WHERE "hubspotContactId" IS NOT NULL))
        || warehouse_funnel_people_of_customers(ARRAY(SELECT "stripeCustomerId" FROM new_rows WHERE "stripeCustomerId" IS NOT NULL));
    END IF;
    IF rows_old THEN
      people := people
        || warehouse_funnel_people_of_contacts(ARRAY(SELECT "hubspotContactId" FROM old_rows WHERE "hubspotContactId" IS NOT NULL))
        || warehouse_funnel_people_of_customers(ARRAY(SELECT "stripeCustomerId" FROM old_rows WHERE "stripeCustomerId" IS NOT NULL));
    END IF;
  ELSIF TG_TABLE_NAME = 'ContactCustomerMap' THEN
    IF rows_new THEN
      people := people || warehouse_funnel_people_of_contacts(ARRAY(SELECT "hubspotContactId" FROM new_rows));
    END IF;
    IF rows_old THEN
      people := people || warehouse_funnel_people_of_contacts(ARRAY(SELECT "hubspotContactId" FROM old_rows));
    END IF;
  END IF;
  PERFORM warehouse_refresh_funnel_facts(ARRAY(SELECT DISTINCT unnest(people)));
  RETURN NULL;
END $$;

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['WechatFollower', 'UserCode', 'IdentityLink', 'HubspotContact', 'Application',
                           'Purchase', 'ContactCustomerMap'] LOOP
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION warehouse_funnel_trigger()', t || '_funnel_insert', t);
    EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION warehouse_funnel_trigger()', t || '_funnel_update', t);
    EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows
                    FOR EACH STATEMENT EXECUTE FUNCTION warehouse_funnel_trigger()', t || '_funnel_delete', t);
  END LOOP;
END $$;

SELECT warehouse_refresh_funnel_facts(ARRAY(SELECT openid FROM "WechatFollower"));

-- ── free-text filter of the pages: trigram indexes on the base columns it searches ──
-- (warehouse-views.ts searches the base tables and joins only their matches.)
CREATE INDEX "HubspotContact_firstName_lastName_id_idx" ON "HubspotContact"
  USING GIN ("firstName" gin_trgm_ops, "lastName" gin_trgm_ops, id gin_trgm_ops);
CREATE INDEX "AppUser_email_userId_trgm_idx" ON "AppUser" USING GIN (email gin_trgm_ops, "userId" gin_trgm_ops);
