import { z } from "zod";
import { consoleRoute } from "@/lib/api/route";
import {
  requestResync,
  requestResyncFiltered,
  ZResyncFiltered,
  ZResyncRecord,
} from "@/lib/sync-console/resync";

export const dynamic = "force-dynamic";

/** One record (`{system, objectId}`) or every mapping matching a filter (`{system, filter}`). OPERATOR+. */
const ZResync = z.union([ZResyncRecord, ZResyncFiltered]);

export const POST = consoleRoute({ role: "OPERATOR", body: ZResync }, async ({ staff, body }) =>
  "filter" in body ? requestResyncFiltered(body, staff.id) : requestResync(body, staff.id),
);
