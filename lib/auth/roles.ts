import type { Role } from "@/lib/generated/prisma/enums";

export type { Role };

const RANK: Record<Role, number> = { VIEWER: 1, OPERATOR: 2, ADMIN: 3 };

/** True when `actual` is at least `required` (ADMIN ⊇ OPERATOR ⊇ VIEWER). */
export function hasRole(actual: Role, required: Role): boolean {
  return RANK[actual] >= RANK[required];
}

export const ROLES: readonly Role[] = ["VIEWER", "OPERATOR", "ADMIN"];
