import { z } from "zod";
import { consoleRoute } from "@/lib/api/route";
import { recordAudit } from "@/lib/audit";
import { createImportJob, listJobs, listTemplates } from "@/lib/imports/jobs";

export const dynamic = "force-dynamic";

export const GET = consoleRoute({}, async () => ({
  jobs: await listJobs(),
  templates: await listTemplates(),
}));

const ZCreate = z.object({ name: z.string().trim().min(1, "give the import a name").max(120) });

export const POST = consoleRoute({ role: "OPERATOR", body: ZCreate }, async ({ staff, body }) => {
  const job = await createImportJob(body.name, staff.id);
  await recordAudit({ actorId: staff.id, action: "import.create", target: `ImportJob:${job.id}` });
  return { job: { id: job.id, name: job.name, status: job.status } };
});
