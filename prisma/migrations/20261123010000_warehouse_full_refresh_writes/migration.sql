-- Full refreshes that stay behind HubSpot's rate limit (issue 7: full ingest ≤ 1.15 × the floor).
-- Hand-written: trigger functions are outside Prisma's schema language.
--
-- Measured (docs/BENCHMARKS.md, warehouse): the deal pages of a full refresh were write-bound
-- because the deal spend trigger looked up the companies of the statement's deals with
-- `"fromId" IN (SELECT id FROM changed_deals)`. Mid-ingest the planner's statistics still describe
-- an empty HubspotAssociation, so it walked every deal → company association and compared each
-- with the transition table (a nested-loop semi join): 430 ms per page at 50,000 deals, quadratic
-- over the refresh, and all of it thrown away because spend is deferred during a full refresh.

-- Whether this transaction defers company spend to the closing pass (a full refresh's page writes
-- SET LOCAL revbridge.defer_spend = on; finishIngestRun recomputes every company once).
CREATE FUNCTION warehouse_spend_deferred() RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT COALESCE(current_setting('revbridge.defer_spend', true) = 'on', false)
$$;

-- Deals inserted, updated or deleted: the companies they are associated with. Deferred: nothing
-- to look up. Otherwise `= ANY(ARRAY(…))` makes the statement's deal ids an index condition on
-- the association key, whatever the statistics say (a page's 100 lookups, never a scan).
CREATE OR REPLACE FUNCTION warehouse_deal_spend_trigger() RETURNS trigger
SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off
LANGUAGE plpgsql AS $$
BEGIN
  IF warehouse_spend_deferred() THEN RETURN NULL; END IF;
  PERFORM warehouse_refresh_company_spend(ARRAY(
    SELECT DISTINCT a."toId" FROM "HubspotAssociation" a
     WHERE a."fromType" = 'deals' AND a."toType" = 'companies'
       AND a."fromId" = ANY(ARRAY(SELECT id FROM changed_deals))));
  RETURN NULL;
END $$;

-- The other spend triggers read only their transition tables, but need not even that when deferred.
CREATE OR REPLACE FUNCTION warehouse_association_spend_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF warehouse_spend_deferred() THEN RETURN NULL; END IF;
  PERFORM warehouse_refresh_company_spend(ARRAY(
    SELECT DISTINCT x."toId" FROM changed_associations x
     WHERE x."fromType" = 'deals' AND x."toType" = 'companies'));
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION warehouse_association_update_spend_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF warehouse_spend_deferred() THEN RETURN NULL; END IF;
  PERFORM warehouse_refresh_company_spend(ARRAY(
    SELECT x."toId" FROM old_associations x WHERE x."fromType" = 'deals' AND x."toType" = 'companies'
    UNION
    SELECT x."toId" FROM new_associations x WHERE x."fromType" = 'deals' AND x."toType" = 'companies'));
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION warehouse_company_spend_trigger() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF warehouse_spend_deferred() THEN RETURN NULL; END IF;
  PERFORM warehouse_refresh_company_spend(ARRAY(SELECT id FROM changed_companies));
  RETURN NULL;
END $$;

-- The spend of these companies, as before, but their deals found with `"toId" = ANY(…)` as an
-- index condition on (toType, toId): the join form let stale statistics pick a walk of every
-- deal → company association per call (410 ms per incremental deal page on a fresh load).
CREATE OR REPLACE FUNCTION warehouse_refresh_company_spend(company_ids text[]) RETURNS void
LANGUAGE plpgsql
SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off
AS $$
BEGIN
  IF company_ids IS NULL OR cardinality(company_ids) = 0 THEN RETURN; END IF;
  IF warehouse_spend_deferred() THEN RETURN; END IF;
  company_ids := ARRAY(SELECT DISTINCT unnest(company_ids));
  DELETE FROM "WarehouseCompanySpend" WHERE "companyId" = ANY(company_ids);
  -- Upserts, not plain inserts: two writers recomputing one company at once keep the later
  -- answer instead of failing on each other's row (the ingest's closing pass recomputes all).
  INSERT INTO "WarehouseCompanySpend" ("companyId", currency, total)
  SELECT a."toId", COALESCE(d.currency, ''), sum(d.amount)
    FROM "HubspotAssociation" a
    JOIN "HubspotDeal" d ON d.id = a."fromId"
   WHERE a."toType" = 'companies' AND a."toId" = ANY(company_ids) AND a."fromType" = 'deals'
     AND d.amount IS NOT NULL AND NOT d.archived AND d."mergedIntoId" IS NULL
   GROUP BY a."toId", COALESCE(d.currency, '')
  ON CONFLICT ("companyId", currency) DO UPDATE SET total = EXCLUDED.total;
  -- A company without priced deals: one row of 0 (team_spending lists it with currency NULL).
  INSERT INTO "WarehouseCompanySpend" ("companyId", currency, total)
  SELECT c.id, '', 0
    FROM "HubspotCompany" c
   WHERE c.id = ANY(company_ids)
     AND NOT EXISTS (SELECT 1 FROM "WarehouseCompanySpend" s WHERE s."companyId" = c.id)
  ON CONFLICT ("companyId", currency) DO NOTHING;
END $$;
