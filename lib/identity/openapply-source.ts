import "server-only";
import { z } from "zod";
import { db, type Prisma } from "@/lib/db";
import { readSetting, writeSetting } from "@/lib/settings/app-settings";
import { listStudentsPage, type TOpenApplyStudent } from "@/lib/connectors/openapply/client";
import { isLinkedOutcome, matchSubmission, type TMatchResult } from "@/lib/identity/match";
import { readIdentitySettings, type TIdentitySettings } from "@/lib/identity/settings";
import { writeBackOpenid, type TWriteBackResult } from "@/lib/identity/write-back";

/**
 * OpenApply as a source: students polled with `updated_since` (cursor in AppSetting), kept as
 * Application rows for the funnel (status, applied, enrolled), and their code custom field matched.
 */

export const OPENAPPLY_CURSOR_KEY = "identity.openapply.cursor";
const ZCursor = z.object({ updatedSince: z.iso.datetime().nullable() });

export async function readOpenApplyCursor(): Promise<Date | null> {
  const c = await readSetting(OPENAPPLY_CURSOR_KEY, ZCursor, { updatedSince: null });
  return c.updatedSince ? new Date(c.updatedSince) : null;
}

/** Only ever moves forward (a slow overlapping poll must not rewind it). */
export async function advanceOpenApplyCursor(to: Date): Promise<void> {
  const current = await readOpenApplyCursor();
  if (current && current >= to) return;
  await writeSetting(OPENAPPLY_CURSOR_KEY, { updatedSince: to.toISOString() }, null);
}

function dateOrNull(...values: (string | null | undefined)[]): Date | null {
  for (const v of values) {
    if (!v) continue;
    const t = Date.parse(v);
    if (Number.isFinite(t)) return new Date(t);
  }
  return null;
}

/** The student's typed code and written OpenID, as strings (custom fields may hold anything). */
export function studentFields(
  student: TOpenApplyStudent,
  settings: Pick<TIdentitySettings, "openapplyCodeField" | "openapplyOpenidField">,
): { code: string | null; openid: string | null } {
  const read = (name: string) => {
    const v = student.custom_fields?.[name];
    return typeof v === "string" ? v : typeof v === "number" ? String(v) : null;
  };
  return { code: read(settings.openapplyCodeField), openid: read(settings.openapplyOpenidField) };
}

/**
 * Upserts the Application row unless what we hold is newer (an out-of-order page must not
 * overwrite fresher state). Returns false when skipped as stale.
 */
export async function upsertApplication(student: TOpenApplyStudent, code: string | null): Promise<boolean> {
  const sourceUpdatedAt = new Date(student.updated_at);
  const studentId = String(student.id);
  const data = {
    status: student.status,
    wechatCode: code,
    appliedAt: dateOrNull(student.applied_at, student.applied_date),
    enrolledAt: dateOrNull(student.enrolled_at, student.enrolled_date),
    sourceUpdatedAt,
    raw: student as unknown as Prisma.InputJsonValue,
    syncedAt: new Date(),
  };
  const updated = await db().application.updateMany({
    where: { studentId, sourceUpdatedAt: { lte: sourceUpdatedAt } },
    data,
  });
  if (updated.count > 0) return true;
  const created = await db().application.createMany({ data: [{ studentId, ...data }], skipDuplicates: true });
  return created.count > 0;
}

export interface TStudentMatch {
  studentId: string;
  match: TMatchResult | null;
  writeBack: TWriteBackResult | null;
}

/** Records the student's application and decides its code (writing the OpenID back when linked). */
export async function processStudent(
  student: TOpenApplyStudent,
  settings: TIdentitySettings,
): Promise<TStudentMatch> {
  const { code, openid } = studentFields(student, settings);
  await upsertApplication(student, code);
  const studentId = String(student.id);
  if (!code) return { studentId, match: null, writeBack: null };
  const match = await matchSubmission({ system: "OPENAPPLY", recordId: studentId, rawInput: code });
  let writeBack: TWriteBackResult | null = null;
  if (isLinkedOutcome(match.outcome) && match.openid) {
    writeBack = await writeBackOpenid({
      system: "OPENAPPLY",
      recordId: studentId,
      openid: match.openid,
      current: openid,
    });
  }
  return { studentId, match, writeBack };
}

export interface TPollPageResult {
  pages: number;
  processed: number;
  linked: number;
  review: number;
  /** Newest `updated_at` seen on the page. */
  newestUpdatedAt: string | null;
}

/** One page of the poll: fetch, record, match. */
export async function pollOpenApplyPage(opts: {
  updatedSince: Date | null;
  page: number;
  unmatchedOnly?: boolean;
}): Promise<TPollPageResult> {
  const settings = await readIdentitySettings();
  const { students, pages } = await listStudentsPage({
    updatedSince: opts.updatedSince ?? undefined,
    page: opts.page,
  });
  let linked = 0;
  let review = 0;
  let newest: string | null = null;
  for (const student of students) {
    if (!newest || Date.parse(student.updated_at) > Date.parse(newest)) newest = student.updated_at;
    if (opts.unmatchedOnly) {
      const { code, openid } = studentFields(student, settings);
      if (!code || openid) continue;
    }
    const r = await processStudent(student, settings);
    if (r.match && isLinkedOutcome(r.match.outcome) && !r.match.repeated) linked++;
    if (r.match?.outcome === "REVIEW" && !r.match.repeated) review++;
  }
  return { pages, processed: students.length, linked, review, newestUpdatedAt: newest };
}
