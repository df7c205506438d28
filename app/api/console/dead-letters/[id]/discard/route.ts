import { z } from "zod";
import { consoleRoute } from "@/lib/api/route";
import { discardDeadLetter } from "@/lib/dead-letters/replay";

export const dynamic = "force-dynamic";

export const POST = consoleRoute({ role: "OPERATOR", body: z.object({}) }, async ({ staff, params }) => {
  await discardDeadLetter(String(params.id), staff.id);
  return { ok: true };
});
