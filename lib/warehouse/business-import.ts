import "server-only";
import { parse } from "csv-parse/sync";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import {
  validateRows,
  type TBusinessKind,
  type TMembershipRow,
  type TRowError,
  type TTeamRow,
  type TUserRow,
} from "@/lib/warehouse/business-rows";
import { refreshCandidatesForTeams } from "@/lib/warehouse/team-candidates";

/**
 * Imports business rows (users, teams, memberships) as validated upserts. Bad rows are reported
 * with their reason and skipped; all good rows are written in one transaction, so an upload is
 * never half-written (a database failure writes none of them).
 */

export const MAX_BUSINESS_ROWS = 50_000;

export interface TBusinessImportResult {
  kind: TBusinessKind;
  received: number;
  imported: number;
  errors: TRowError[];
}

/** A CSV with a header line; the BOM, blank lines and surrounding spaces are ignored. */
export function parseBusinessCsv(text: string): Record<string, string>[] {
  try {
    return parse<Record<string, string>>(text, {
      columns: true,
      bom: true,
      skip_empty_lines: true,
      trim: true,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new AppError("bad_request", `The file is not a readable CSV: ${message}`);
  }
}

type Tx = Parameters<Parameters<ReturnType<typeof db>["$transaction"]>[0]>[0];

async function writeUsers(tx: Tx, rows: TUserRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.$executeRaw`
    INSERT INTO "AppUser" ("userId", name, email, "lifetimeSpend", currency, "updatedAt")
    SELECT u, n, e, s::numeric, c, (now() AT TIME ZONE 'UTC')
      FROM unnest(${rows.map((r) => r.user_id)}::text[], ${rows.map((r) => r.name ?? null)}::text[],
        ${rows.map((r) => r.email ?? null)}::text[], ${rows.map((r) => r.lifetime_spend ?? null)}::text[],
        ${rows.map((r) => r.currency ?? null)}::text[]) AS t(u, n, e, s, c)
    ON CONFLICT ("userId") DO UPDATE SET name = EXCLUDED.name, email = EXCLUDED.email,
      "lifetimeSpend" = EXCLUDED."lifetimeSpend", currency = EXCLUDED.currency, "updatedAt" = EXCLUDED."updatedAt"`;
}

async function writeTeams(tx: Tx, rows: TTeamRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.$executeRaw`
    INSERT INTO "Team" ("teamId", name, "updatedAt")
    SELECT t, n, (now() AT TIME ZONE 'UTC')
      FROM unnest(${rows.map((r) => r.team_id)}::text[], ${rows.map((r) => r.name)}::text[]) AS x(t, n)
    ON CONFLICT ("teamId") DO UPDATE SET name = EXCLUDED.name, "updatedAt" = EXCLUDED."updatedAt"`;
}

async function writeMemberships(tx: Tx, rows: TMembershipRow[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.$executeRaw`
    INSERT INTO "TeamMembership" ("teamId", "userId")
    SELECT t, u FROM unnest(${rows.map((r) => r.team_id)}::text[], ${rows.map((r) => r.user_id)}::text[]) AS x(t, u)
    ON CONFLICT DO NOTHING`;
}

/** A membership needs its team (foreign key); the user may arrive later, so it is not checked. */
async function missingTeams(teamIds: string[]): Promise<Set<string>> {
  const unique = [...new Set(teamIds)];
  const found = await db().team.findMany({ where: { teamId: { in: unique } }, select: { teamId: true } });
  const have = new Set(found.map((t) => t.teamId));
  return new Set(unique.filter((id) => !have.has(id)));
}

export async function importBusinessRows(
  kind: TBusinessKind,
  rows: Record<string, unknown>[],
): Promise<TBusinessImportResult> {
  if (rows.length > MAX_BUSINESS_ROWS) {
    throw new AppError(
      "payload_too_large",
      `At most ${MAX_BUSINESS_ROWS.toLocaleString("en")} rows per upload; split the file.`,
    );
  }
  const { good, errors } = validateRows(kind, rows);
  let accepted = good;
  if (kind === "memberships") {
    const missing = await missingTeams(good.map((g) => (g.value as TMembershipRow).team_id));
    accepted = good.filter((g) => {
      const teamId = (g.value as TMembershipRow).team_id;
      if (!missing.has(teamId)) return true;
      errors.push({
        row: g.row,
        field: "team_id",
        message: `team ${teamId} does not exist; import it first`,
      });
      return false;
    });
  }
  const values = accepted.map((g) => g.value);
  await db().$transaction(
    async (tx) => {
      if (kind === "users") await writeUsers(tx, values as TUserRow[]);
      else if (kind === "teams") {
        await writeTeams(tx, values as TTeamRow[]);
        // New or renamed teams change the fuzzy company matches behind team_spending.
        await refreshCandidatesForTeams(
          tx,
          (values as TTeamRow[]).map((t) => t.team_id),
        );
      } else await writeMemberships(tx, values as TMembershipRow[]);
    },
    { timeout: 60_000 },
  );
  errors.sort((a, b) => a.row - b.row);
  return { kind, received: rows.length, imported: values.length, errors };
}
