import { consoleRoute } from "@/lib/api/route";
import { AppError } from "@/lib/errors";
import { loadJob } from "@/lib/imports/jobs";
import { failedRowsCsv } from "@/lib/imports/report";
import { ZImportObject } from "@/lib/imports/types";

export const dynamic = "force-dynamic";

/** Failed and skipped rows as CSV with a `reason` column, streamed. */
export const GET = consoleRoute({}, async ({ params }) => {
  const object = ZImportObject.safeParse(params.object);
  if (!object.success) throw new AppError("not_found", "Reports are for companies, contacts or tickets.");
  const job = await loadJob(String(params.id));
  const lines = failedRowsCsv(job.id, object.data);
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await lines.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
  });
  return new Response(stream, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="import-${job.id}-${object.data}-failed.csv"`,
      "cache-control": "no-store",
    },
  });
});
