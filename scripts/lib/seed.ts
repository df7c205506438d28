/**
 * Demo seed data, used only in demo mode: credentials login does not exist outside it, so these
 * passwords open nothing in production. (Rate-limit defaults live in code, not in seed rows.)
 */
import bcrypt from "bcryptjs";
import { db } from "@/lib/db";
import type { Role } from "@/lib/auth/roles";

export const DEMO_USERS: { email: string; name: string; role: Role; password: string }[] = [
  { email: "admin@demo.revbridge.dev", name: "Ada Admin", role: "ADMIN", password: "demo-admin-pass" },
  {
    email: "operator@demo.revbridge.dev",
    name: "Oscar Operator",
    role: "OPERATOR",
    password: "demo-operator-pass",
  },
  { email: "viewer@demo.revbridge.dev", name: "Vera Viewer", role: "VIEWER", password: "demo-viewer-pass" },
];

/** Creates the demo users, or resets their role and password to the documented ones. */
export async function seedDemoUsers(): Promise<typeof DEMO_USERS> {
  for (const u of DEMO_USERS) {
    const passwordHash = await bcrypt.hash(u.password, 10);
    await db().user.upsert({
      where: { email: u.email },
      create: { email: u.email, name: u.name, role: u.role, passwordHash },
      update: { role: u.role, passwordHash, disabled: false },
    });
  }
  return DEMO_USERS;
}
