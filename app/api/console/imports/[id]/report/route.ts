import { consoleRoute } from "@/lib/api/route";
import { loadJob } from "@/lib/imports/jobs";
import { buildReport } from "@/lib/imports/report";

export const dynamic = "force-dynamic";

/** The JSON report kept with the job (or the live one while it runs), as a download. */
export const GET = consoleRoute({}, async ({ params }) => {
  const job = await loadJob(String(params.id));
  const report = job.report ?? (await buildReport(job.id));
  return new Response(JSON.stringify(report, null, 2), {
    headers: {
      "content-type": "application/json; charset=utf-8",
      "content-disposition": `attachment; filename="import-${job.id}-report.json"`,
      "cache-control": "no-store",
    },
  });
});
