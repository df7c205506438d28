import "server-only";
import { db } from "@/lib/db";

/**
 * The fuzzy company ↔ team candidates behind team_spending (table WarehouseTeamCandidate: the three
 * nearest teams of each live company, score ≥ 0.1), kept current where their inputs change instead
 * of being recomputed for every company after each run:
 * - a page of companies as the ingest writes it (new, renamed, archived or merged companies);
 * - after a team import, the companies a new, renamed or removed team can enter or leave the top
 *   three of: those it was a candidate of, and those whose name is similar to its new name.
 * The threshold and the manual overrides are applied when team_spending is read, so changing
 * either needs no refresh here.
 */

type Tx = Parameters<Parameters<ReturnType<typeof db>["$transaction"]>[0]>[0];

/** Lowest similarity ever kept (warehouse_refresh_team_candidates in the migration). */
const MIN_CANDIDATE_SCORE = 0.1;

/** Replaces the candidates of these companies (archived or merged ones end up with none). */
export async function refreshCandidatesForCompanies(tx: Tx, companyIds: string[]): Promise<number> {
  if (companyIds.length === 0) return 0;
  const rows = await tx.$queryRaw<{ n: number }[]>`
    SELECT warehouse_refresh_team_candidates(${companyIds}::text[]) AS n`;
  return Number(rows[0]?.n ?? 0);
}

/**
 * Teams `teamIds` were written (or removed): only companies that had one of them as a candidate,
 * or whose name is at least MIN_CANDIDATE_SCORE similar to one's current name, can see their top
 * three change (a team less similar than that never enters anyone's candidates). Run in the
 * transaction that wrote the teams, so a team import and its matches commit together.
 */
export async function refreshCandidatesForTeams(tx: Tx, teamIds: string[]): Promise<number> {
  if (teamIds.length === 0) return 0;
  // `%` uses the trigram index on company names at this threshold (transaction-local setting).
  await tx.$executeRaw`SELECT set_config('pg_trgm.similarity_threshold', ${String(MIN_CANDIDATE_SCORE)}, true)`;
  const affected = await tx.$queryRaw<{ id: string }[]>`
    SELECT w."companyId" AS id FROM unnest(${teamIds}::text[]) x(id)
      JOIN "WarehouseTeamCandidate" w ON w."teamId" = x.id
    UNION
    SELECT c.id FROM unnest(${teamIds}::text[]) x(id)
      JOIN "Team" t ON t."teamId" = x.id
      JOIN "HubspotCompany" c ON lower(c.name) % lower(btrim(t.name))
     WHERE NOT c.archived AND c."mergedIntoId" IS NULL`;
  return refreshCandidatesForCompanies(
    tx,
    affected.map((r) => r.id),
  );
}

/** Every company's candidates from scratch (repair, tests). */
export async function refreshAllTeamCandidates(): Promise<number> {
  return db().$transaction(
    async (tx) => {
      await tx.$executeRaw`DELETE FROM "WarehouseTeamCandidate"`;
      const ids = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "HubspotCompany"`;
      return refreshCandidatesForCompanies(
        tx,
        ids.map((r) => r.id),
      );
    },
    { timeout: 10 * 60_000 },
  );
}

/** Candidates of companies that are no longer live (archived at the end of a full refresh). */
export async function pruneCandidatesOfDeadCompanies(): Promise<number> {
  return db().$executeRaw`
    DELETE FROM "WarehouseTeamCandidate" w USING "HubspotCompany" c
     WHERE c.id = w."companyId" AND (c.archived OR c."mergedIntoId" IS NOT NULL)`;
}
