import { describe, expect, it } from "vitest";
import type { TStaff } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { withFreshDatabase } from "@/test/db";
import { changeStaffRole } from "./users";

withFreshDatabase();

async function staff(email: string, role: TStaff["role"]): Promise<TStaff> {
  const u = await db().user.create({ data: { email, role } });
  return { id: u.id, email: u.email, name: null, role: u.role };
}

describe("changing a staff member's role", () => {
  it("updates the role and writes the audit row in the same transaction", async () => {
    const admin = await staff("a@x.test", "ADMIN");
    const viewer = await staff("v@x.test", "VIEWER");
    await changeStaffRole(admin, viewer.id, "OPERATOR");
    expect((await db().user.findUniqueOrThrow({ where: { id: viewer.id } })).role).toBe("OPERATOR");
    const audit = await db().auditLog.findMany({ where: { action: "user.role.update" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actorId: admin.id,
      target: `User:${viewer.id}`,
      details: { from: "VIEWER", to: "OPERATOR" },
    });
  });

  it("refuses an ADMIN lowering their own role, and changes nothing", async () => {
    const admin = await staff("self@x.test", "ADMIN");
    await expect(changeStaffRole(admin, admin.id, "VIEWER")).rejects.toMatchObject({ code: "conflict" });
    expect((await db().user.findUniqueOrThrow({ where: { id: admin.id } })).role).toBe("ADMIN");
  });

  it("answers not_found for an unknown user and writes no audit row", async () => {
    const admin = await staff("a2@x.test", "ADMIN");
    const before = await db().auditLog.count();
    const error = await changeStaffRole(admin, "nope", "VIEWER").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).status).toBe(404);
    expect(await db().auditLog.count()).toBe(before);
  });
});
