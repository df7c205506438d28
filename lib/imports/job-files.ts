import "server-only";
import type { ImportStatus } from "@/lib/generated/prisma/enums";
import { db } from "@/lib/db";
import { ZImportFiles, type TImportFile, type TImportObject } from "@/lib/imports/types";

type TTx = Parameters<Parameters<ReturnType<typeof db>["$transaction"]>[0]>[0];

/**
 * Replaces one object's entry in ImportJob.files under a row lock: the console uploads a job's
 * files in parallel, one request each, and validation updates its entry too, so a
 * read-modify-write without the lock could lose another file's entry. `entry` may be a function
 * of the current entry (returning it unchanged leaves it as it is). NO KEY UPDATE, not UPDATE: an
 * upload's transaction already holds the KEY SHARE lock its ImportRow inserts take on the job, and
 * two uploads each upgrading to FOR UPDATE would deadlock.
 */
export async function putFileEntry(
  jobId: string,
  object: TImportObject,
  entry: TImportFile | ((current: TImportFile | undefined) => TImportFile | undefined),
  status?: ImportStatus,
  /** The caller's transaction, when the entry must commit (or roll back) with its other writes. */
  inTransaction?: TTx,
): Promise<void> {
  const put = async (tx: TTx) => {
    const [job] = await tx.$queryRaw<{ files: unknown }[]>`
      SELECT files FROM "ImportJob" WHERE id = ${jobId} FOR NO KEY UPDATE`;
    const files = ZImportFiles.parse(job?.files ?? []);
    const next = typeof entry === "function" ? entry(files.find((f) => f.object === object)) : entry;
    const others = files.filter((f) => f.object !== object);
    await tx.importJob.update({
      where: { id: jobId },
      data: { files: next ? [...others, next] : others, ...(status ? { status } : {}) },
    });
  };
  if (inTransaction) await put(inTransaction);
  else await db().$transaction(put);
}
