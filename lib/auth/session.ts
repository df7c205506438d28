import "server-only";
import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
import { cache } from "react";
import { authOptions } from "@/lib/auth/options";
import { hasRole, type Role } from "@/lib/auth/roles";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";

export interface TStaff {
  id: string;
  email: string;
  name: string | null;
  role: Role;
}

/** The signed-in staff member, read fresh from the database so role changes and disabling apply at once. */
// cache(): the layout and the page of one request share a single lookup.
export const getStaff = cache(async function getStaff(): Promise<TStaff | null> {
  const session = await getServerSession(authOptions());
  const uid = (session?.user as { id?: string } | undefined)?.id;
  if (!uid) return null;
  const user = await db().user.findUnique({
    where: { id: uid },
    select: { id: true, email: true, name: true, role: true, disabled: true },
  });
  if (!user || user.disabled) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role };
});

/** For API handlers: 401 without a session, 403 below `role`. */
export async function requireStaff(role: Role = "VIEWER"): Promise<TStaff> {
  const staff = await getStaff();
  if (!staff) throw new AppError("unauthorized", "Sign in to use the RevBridge console API.");
  if (!hasRole(staff.role, role)) {
    throw new AppError("forbidden", `This action needs the ${role} role; you are ${staff.role}.`);
  }
  return staff;
}

/** For pages: send visitors without a session to sign-in, and come back afterwards. */
export async function requirePageStaff(callbackPath: string): Promise<TStaff> {
  const staff = await getStaff();
  if (!staff) redirect(`/signin?callbackUrl=${encodeURIComponent(callbackPath)}`);
  return staff;
}
