-- Warehouse views (issue 7): contacts_to_users, team_spending, company_deals.
-- Hand-written: Prisma's schema language has no views, SQL functions or expression indexes.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- The fuzzy company ↔ team match threshold. A SQL function reading AppSetting (key
-- `warehouse.teamMatchThreshold`, a JSON number) so the console can change it without a migration
-- and every query of team_spending sees the new value at once. Default 0.45.
CREATE FUNCTION warehouse_team_match_threshold() RETURNS real
LANGUAGE sql STABLE AS $$
  SELECT COALESCE(
    (SELECT CASE WHEN jsonb_typeof(value) = 'number' THEN (value #>> '{}')::real END
       FROM "AppSetting" WHERE key = 'warehouse.teamMatchThreshold'),
    0.45::real)
$$;

-- contacts_to_users joins on the email with case and every whitespace removed, on both sides.
CREATE INDEX "HubspotContact_email_norm_idx" ON "HubspotContact" (lower(regexp_replace(email, '\s', '', 'g')))
  WHERE NOT archived AND "mergedIntoId" IS NULL;
CREATE INDEX "AppUser_email_norm_idx" ON "AppUser" (lower(regexp_replace(email, '\s', '', 'g')));

-- Nearest-team lookups (KNN `<->`) for the candidate list below.
CREATE INDEX "Team_name_trgm_idx" ON "Team" USING gist (lower(btrim(name)) gist_trgm_ops);
-- Warehouse page: "company name contains" filters.
CREATE INDEX "HubspotCompany_name_trgm_idx" ON "HubspotCompany" USING gin (lower(name) gin_trgm_ops);

-- contacts_to_users: HubSpot contacts joined to the business users by email (case- and
-- whitespace-insensitive). Archived and merged-away contacts are left out. `currency` is the
-- currency of the lifetime spend (kept, never converted).
CREATE VIEW contacts_to_users AS
SELECT c.id                 AS contact_id,
       c."firstName"        AS first_name,
       c."lastName"         AS last_name,
       u."userId"           AS user_id,
       u.email              AS email,
       u."lifetimeSpend"    AS client_lifetime_spend,
       u.currency           AS currency
  FROM "HubspotContact" c
  JOIN "AppUser" u
    ON lower(regexp_replace(u.email, '\s', '', 'g')) = lower(regexp_replace(c.email, '\s', '', 'g'))
 WHERE NOT c.archived AND c."mergedIntoId" IS NULL;

-- company_deals: every live deal with the companies it is associated with (one row per pair; a
-- deal without a company appears once with company_id NULL). Amount NULL stays NULL here.
CREATE VIEW company_deals AS
SELECT d.id           AS deal_id,
       d.amount       AS amount,
       d."closeDate"  AS close_date,
       co.id          AS company_id,
       co.name        AS company_name,
       d.currency     AS currency
  FROM "HubspotDeal" d
  LEFT JOIN "HubspotAssociation" a
    ON a."fromType" = 'deals' AND a."fromId" = d.id AND a."toType" = 'companies'
  LEFT JOIN "HubspotCompany" co
    ON co.id = a."toId" AND NOT co.archived AND co."mergedIntoId" IS NULL
 WHERE NOT d.archived AND d."mergedIntoId" IS NULL;

-- The three nearest teams of every live company by trigram similarity of the normalised names.
-- Materialised because comparing every company with every team on each page view would not be
-- fast on 20,000 companies; refreshed (CONCURRENTLY) after each ingest and team import. The
-- threshold and the manual overrides are applied live in team_spending, so changing either needs
-- no refresh. Scores below 0.1 are never kept (the threshold's lower bound).
CREATE MATERIALIZED VIEW warehouse_company_team_candidates AS
SELECT c.id AS company_id, t.team_id, t.score
  FROM "HubspotCompany" c
 CROSS JOIN LATERAL (
   SELECT tm."teamId" AS team_id,
          similarity(lower(btrim(tm.name)), lower(btrim(c.name)))::real AS score
     FROM "Team" tm
    -- Distance alone: a second sort key would stop PostgreSQL from using the GiST index as a
    -- KNN scan and compare every team with every company (40 ms a company at 5,000 teams).
    ORDER BY lower(btrim(tm.name)) <-> lower(btrim(c.name))
    LIMIT 3
 ) t
 WHERE NOT c.archived AND c."mergedIntoId" IS NULL AND c.name IS NOT NULL AND btrim(c.name) <> ''
   AND t.score >= 0.1;
-- Needed for REFRESH … CONCURRENTLY; also serves the per-company lookup in team_spending.
CREATE UNIQUE INDEX warehouse_company_team_candidates_pk ON warehouse_company_team_candidates (company_id, team_id);

-- team_spending: each live company with the team it belongs to and the money of its deals.
-- The team is the manual override when staff set one (TeamMatchOverride.matched = true; wins),
-- else the most similar team at or above warehouse_team_match_threshold() that staff have not
-- ruled out (matched = false). Spend is summed per currency (one row per currency; never mixed),
-- from deals with an amount only. A matched company without priced deals has one row with 0 and
-- currency NULL. `match_source` says `manual` or `fuzzy`.
CREATE VIEW team_spending AS
WITH manual AS (
  SELECT o."companyId" AS company_id, o."teamId" AS team_id
    FROM "TeamMatchOverride" o
   WHERE o.matched
), fuzzy AS (
  SELECT DISTINCT ON (cand.company_id) cand.company_id, cand.team_id, cand.score
    FROM warehouse_company_team_candidates cand
   WHERE cand.score >= warehouse_team_match_threshold()
     AND NOT EXISTS (SELECT 1 FROM manual m WHERE m.company_id = cand.company_id)
     AND NOT EXISTS (SELECT 1 FROM "TeamMatchOverride" o
                      WHERE o."companyId" = cand.company_id AND o."teamId" = cand.team_id AND NOT o.matched)
   ORDER BY cand.company_id, cand.score DESC, cand.team_id
), matches AS (
  SELECT company_id, team_id, NULL::real AS score, 'manual'::text AS match_source FROM manual
  UNION ALL
  SELECT company_id, team_id, score, 'fuzzy'::text FROM fuzzy
), spend AS (
  SELECT a."toId" AS company_id, d.currency, sum(d.amount) AS total
    FROM "HubspotAssociation" a
    JOIN "HubspotDeal" d ON d.id = a."fromId"
   WHERE a."fromType" = 'deals' AND a."toType" = 'companies'
     AND d.amount IS NOT NULL AND NOT d.archived AND d."mergedIntoId" IS NULL
   GROUP BY a."toId", d.currency
)
SELECT m.company_id,
       co.name AS company_name,
       m.team_id,
       t.name AS team_name,
       COALESCE(m.score, similarity(lower(btrim(t.name)), lower(btrim(co.name))))::real AS match_score,
       COALESCE(s.total, 0)::numeric(18, 2) AS total_team_spend,
       s.currency AS currency,
       m.match_source
  FROM matches m
  JOIN "HubspotCompany" co ON co.id = m.company_id AND NOT co.archived AND co."mergedIntoId" IS NULL
  JOIN "Team" t ON t."teamId" = m.team_id
  LEFT JOIN spend s ON s.company_id = m.company_id;
