import { z } from "zod";
import { inngest } from "@/inngest/client";
import { warehouseIngestRequested } from "@/inngest/events";
import { consoleRoute } from "@/lib/api/route";
import { recordAudit } from "@/lib/audit";
import { warehouseStatus } from "@/lib/warehouse/console";

/** Recent ingest runs and the warehouse settings. */
export const GET = consoleRoute({}, async () => warehouseStatus());

/** "Run now": queues an ingest (OPERATOR+), audited. */
export const POST = consoleRoute(
  { role: "OPERATOR", body: z.object({ kind: z.enum(["full", "incremental"]) }) },
  async ({ staff, body }) => {
    await recordAudit({ actorId: staff.id, action: "warehouse.ingest.run", details: { kind: body.kind } });
    await inngest.send(warehouseIngestRequested.create({ kind: body.kind, requestedById: staff.id }));
    return { queued: true, kind: body.kind };
  },
);
