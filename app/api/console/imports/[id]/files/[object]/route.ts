import { assertDeclaredLength } from "@/lib/api/body";
import { consoleRoute } from "@/lib/api/route";
import { recordAudit } from "@/lib/audit";
import { AppError } from "@/lib/errors";
import { MAX_IMPORT_BYTES } from "@/lib/imports/csv-reader";
import { ingestFile } from "@/lib/imports/jobs";
import { ZImportObject } from "@/lib/imports/types";

export const dynamic = "force-dynamic";
// Parsing a 100 MB file takes a while; the body is streamed into rows, never held whole.
export const maxDuration = 300;

/** PUT the raw CSV bytes (`?name=contacts.csv`); the body is read as a stream with the 100 MB limit. */
export const PUT = consoleRoute({ role: "OPERATOR" }, async ({ request, staff, params }) => {
  const object = ZImportObject.safeParse(params.object);
  if (!object.success) throw new AppError("not_found", "Files are for companies, contacts or tickets.");
  assertDeclaredLength(request, MAX_IMPORT_BYTES);
  if (!request.body)
    throw new AppError(
      "bad_request",
      "The file is empty. Upload a CSV with a header row and at least one data row.",
    );
  const fileName = new URL(request.url).searchParams.get("name")?.slice(0, 200) || `${object.data}.csv`;
  const file = await ingestFile({
    jobId: String(params.id),
    object: object.data,
    fileName,
    source: request.body as unknown as AsyncIterable<Uint8Array>,
  });
  await recordAudit({
    actorId: staff.id,
    action: "import.file.upload",
    target: `ImportJob:${String(params.id)}`,
    details: { object: object.data, fileName, rows: file.rowCount, bytes: file.bytes },
  });
  return { file };
});
