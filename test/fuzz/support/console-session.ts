/**
 * Console route handlers need a staff session: next-auth's getServerSession is replaced (hoisted
 * vi.mock in each test file, as in app/api/console/api-keys/routes.int.test.ts) by one that returns
 * `session.userId`. The fuzz signs in as ADMIN, the role that reaches every handler's code.
 */
import { db } from "@/lib/db";

export const session: { userId: string | null } = { userId: null };

export async function signInAsAdmin(): Promise<string> {
  const user = await db().user.create({ data: { email: "fuzz-admin@school.test", role: "ADMIN" } });
  session.userId = user.id;
  return user.id;
}

/** Headers of a same-origin console request (passes the CSRF check). */
export const SAME_ORIGIN = { origin: "http://localhost", host: "localhost" } as const;
