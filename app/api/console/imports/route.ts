import { consoleRoute } from "@/lib/api/route";
import { recordAudit } from "@/lib/audit";
import { createImportJob, listJobs, listTemplates } from "@/lib/imports/jobs";
import { ZCreateImport } from "@/lib/imports/types";

export const dynamic = "force-dynamic";

export const GET = consoleRoute({}, async () => ({
  jobs: await listJobs(),
  templates: await listTemplates(),
}));

export const POST = consoleRoute({ role: "OPERATOR", body: ZCreateImport }, async ({ staff, body }) => {
  const job = await createImportJob(body.name, staff.id);
  await recordAudit({ actorId: staff.id, action: "import.create", target: `ImportJob:${job.id}` });
  return { job: { id: job.id, name: job.name, status: job.status } };
});
