import { z } from "zod";
import { consoleRoute } from "@/lib/api/route";
import { changeStaffRole } from "@/lib/settings/users";

export const dynamic = "force-dynamic";

const ZRoleChange = z.object({
  role: z.enum(["VIEWER", "OPERATOR", "ADMIN"], { message: "must be VIEWER, OPERATOR or ADMIN" }),
});

export const PATCH = consoleRoute({ role: "ADMIN", body: ZRoleChange }, async ({ staff, params, body }) => ({
  user: await changeStaffRole(staff, String(params.id), body.role),
}));
