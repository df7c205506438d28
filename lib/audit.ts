import "server-only";
import { db, type Prisma } from "@/lib/db";

export interface TAuditEntry {
  actorId: string | null;
  /** Dotted verb, e.g. `user.role.update`. */
  action: string;
  target?: string;
  /** Small, non-secret details: ids and old/new values, never payloads. */
  details?: Prisma.InputJsonValue;
}

type Tx = Pick<ReturnType<typeof db>, "auditLog">;

/** Writes the audit row; pass the transaction client so the row commits with the change it describes. */
export async function recordAudit(entry: TAuditEntry, tx: Tx = db()): Promise<void> {
  await tx.auditLog.create({
    data: {
      actorId: entry.actorId,
      action: entry.action,
      target: entry.target ?? null,
      ...(entry.details === undefined ? {} : { details: entry.details }),
    },
  });
}

export async function listAudit(opts: { limit?: number; before?: Date } = {}) {
  return db().auditLog.findMany({
    where: opts.before ? { createdAt: { lt: opts.before } } : {},
    orderBy: { createdAt: "desc" },
    take: Math.min(opts.limit ?? 50, 200),
    include: { actor: { select: { email: true, name: true } } },
  });
}
