import "server-only";
import type { z } from "zod";
import { db, type Prisma } from "@/lib/db";

/**
 * Console-editable settings that are not secrets (field mapping, reply templates, modes), one JSON
 * value per key in AppSetting. Readers pass a zod schema and a default: a missing row means "the
 * default", and a stored value that no longer fits the schema (an older shape) also falls back to
 * the default instead of breaking the feature. Callers audit their writes with recordAudit.
 */
export async function readSetting<T extends z.ZodType>(
  key: string,
  schema: T,
  fallback: z.infer<T>,
): Promise<z.infer<T>> {
  const row = await db().appSetting.findUnique({ where: { key } });
  if (!row) return fallback;
  const parsed = schema.safeParse(row.value);
  return parsed.success ? parsed.data : fallback;
}

/** Saves a setting; returns the previous stored value (or null) for the audit entry. */
export async function writeSetting(
  key: string,
  value: unknown,
  actorId: string | null,
  tx: Pick<ReturnType<typeof db>, "appSetting"> = db(),
): Promise<unknown> {
  const previous = await tx.appSetting.findUnique({ where: { key } });
  const json = value as Prisma.InputJsonValue;
  await tx.appSetting.upsert({
    where: { key },
    create: { key, value: json, updatedById: actorId },
    update: { value: json, updatedById: actorId },
  });
  return previous?.value ?? null;
}
