import { z } from "zod";
import { consoleRoute } from "@/lib/api/route";
import { recordAudit } from "@/lib/audit";
import { applyMappingTemplate, saveMapping } from "@/lib/imports/jobs";
import { ZColumnMapping, ZImportObject } from "@/lib/imports/types";

export const dynamic = "force-dynamic";

const ZMappingUpdate = z.union([
  z.object({
    object: ZImportObject,
    mapping: z.array(ZColumnMapping).max(500),
    templateName: z.string().trim().min(1).max(80).optional(),
  }),
  z.object({ object: ZImportObject, template: z.string().trim().min(1).max(80) }),
]);

export const PUT = consoleRoute(
  { role: "OPERATOR", body: ZMappingUpdate },
  async ({ staff, params, body }) => {
    const jobId = String(params.id);
    const file =
      "template" in body
        ? await applyMappingTemplate(jobId, body.object, body.template)
        : await saveMapping({
            jobId,
            object: body.object,
            mapping: body.mapping,
            templateName: body.templateName,
          });
    await recordAudit({
      actorId: staff.id,
      action: "import.mapping.save",
      target: `ImportJob:${jobId}`,
      details: {
        object: body.object,
        template: "template" in body ? body.template : (body.templateName ?? null),
      },
    });
    return { file };
  },
);
