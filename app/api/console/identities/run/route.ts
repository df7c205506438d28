import { z } from "zod";
import { consoleRoute } from "@/lib/api/route";
import { requestIdentityJob, ZIdentityJob } from "@/lib/identity/jobs";

export const dynamic = "force-dynamic";

/** OPERATOR+: run a backstop now instead of waiting for its schedule (audited). */
export const POST = consoleRoute(
  { role: "OPERATOR", body: z.object({ job: ZIdentityJob }).strict() },
  async ({ staff, body }) => ({ requested: await requestIdentityJob(staff, body.job) }),
);
