import "server-only";
import { z } from "zod";
import { createApiKey, API_KEY_SCOPES } from "@/lib/api-keys/keys";
import { recordAudit } from "@/lib/audit";
import type { TStaff } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";

/**
 * API-key management for Settings (ADMIN): list, create (the key is returned once and never
 * stored), revoke. Every change is audited with the key's id and prefix, never the key.
 */

export const ZApiKeyCreate = z.object({
  name: z.string().trim().min(1, "is required").max(80, "must be at most 80 characters"),
  scopes: z
    .array(z.enum(API_KEY_SCOPES, { message: `must be one of ${API_KEY_SCOPES.join(", ")}` }))
    .min(1, "choose at least one scope"),
});
export type TApiKeyCreate = z.infer<typeof ZApiKeyCreate>;

export interface TApiKeyRow {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdAt: string;
  createdBy: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export async function listApiKeys(): Promise<TApiKeyRow[]> {
  const rows = await db().apiKey.findMany({
    orderBy: [{ revokedAt: { sort: "desc", nulls: "first" } }, { createdAt: "desc" }],
    select: {
      id: true,
      name: true,
      prefix: true,
      scopes: true,
      createdAt: true,
      createdById: true,
      lastUsedAt: true,
      revokedAt: true,
    },
  });
  const creatorIds = [...new Set(rows.map((r) => r.createdById).filter((v): v is string => v !== null))];
  const creators = new Map(
    (await db().user.findMany({ where: { id: { in: creatorIds } }, select: { id: true, email: true } })).map(
      (u) => [u.id, u.email],
    ),
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    scopes: r.scopes,
    createdAt: r.createdAt.toISOString(),
    createdBy: r.createdById ? (creators.get(r.createdById) ?? null) : null,
    lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
    revokedAt: r.revokedAt?.toISOString() ?? null,
  }));
}

/** Creates a key; the answer is the only time the full key exists outside the caller. */
export async function issueApiKey(
  actor: TStaff,
  input: TApiKeyCreate,
): Promise<{ id: string; key: string; prefix: string }> {
  // One transaction: a key never exists without the audit row that says who created it.
  return db().$transaction(async (tx) => {
    const created = await createApiKey({ name: input.name, scopes: input.scopes, createdById: actor.id }, tx);
    await recordAudit(
      {
        actorId: actor.id,
        action: "api_key.create",
        target: `ApiKey:${created.id}`,
        details: { name: input.name, prefix: created.prefix, scopes: input.scopes },
      },
      tx,
    );
    return created;
  });
}

/** Revokes a key at once (verifyApiKey reads the row on every request). Revoking twice is a no-op. */
export async function revokeApiKey(actor: TStaff, id: string): Promise<{ id: string; revokedAt: string }> {
  return db().$transaction(async (tx) => {
    const row = await tx.apiKey.findUnique({
      where: { id },
      select: { id: true, prefix: true, name: true, revokedAt: true },
    });
    if (!row) throw new AppError("not_found", "No API key with that id.");
    if (row.revokedAt) return { id, revokedAt: row.revokedAt.toISOString() };
    const updated = await tx.apiKey.update({
      where: { id },
      data: { revokedAt: new Date() },
      select: { revokedAt: true },
    });
    await recordAudit(
      {
        actorId: actor.id,
        action: "api_key.revoke",
        target: `ApiKey:${id}`,
        details: { name: row.name, prefix: row.prefix },
      },
      tx,
    );
    return { id, revokedAt: updated.revokedAt!.toISOString() };
  });
}
