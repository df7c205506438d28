import { z } from "zod";
import { consoleRoute } from "@/lib/api/route";
import { replayDeadLetter } from "@/lib/dead-letters/replay";

export const dynamic = "force-dynamic";

/** `expectedReplayCount`: the count the operator saw, so a double click sends once (409 for the second). */
const ZReplay = z.object({ expectedReplayCount: z.number().int().min(0).optional() });

export const POST = consoleRoute({ role: "OPERATOR", body: ZReplay }, async ({ staff, params, body }) => ({
  replay: await replayDeadLetter(String(params.id), staff.id, {
    ...(body.expectedReplayCount === undefined ? {} : { expectedReplayCount: body.expectedReplayCount }),
  }),
}));
