import "server-only";
import { recordAudit } from "@/lib/audit";
import type { TStaff } from "@/lib/auth/session";
import type { Role } from "@/lib/auth/roles";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";

export async function listStaff() {
  return db().user.findMany({
    orderBy: [{ role: "desc" }, { email: "asc" }],
    select: { id: true, email: true, name: true, role: true, disabled: true, lastLoginAt: true },
  });
}

/**
 * Changes a staff member's role, audited in the same transaction. An ADMIN cannot demote
 * themselves: that is how a deployment ends up with no ADMIN at all.
 */
export async function changeStaffRole(actor: TStaff, userId: string, role: Role) {
  if (actor.id === userId && role !== "ADMIN") {
    throw new AppError("conflict", "You cannot lower your own role; ask another ADMIN.");
  }
  return db().$transaction(async (tx) => {
    const before = await tx.user.findUnique({ where: { id: userId }, select: { role: true, email: true } });
    if (!before) throw new AppError("not_found", "No staff member with that id.");
    const user = await tx.user.update({
      where: { id: userId },
      data: { role },
      select: { id: true, role: true },
    });
    await recordAudit(
      {
        actorId: actor.id,
        action: "user.role.update",
        target: `User:${userId}`,
        details: { from: before.role, to: role },
      },
      tx,
    );
    return user;
  });
}
