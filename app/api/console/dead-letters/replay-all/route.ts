import { consoleRoute } from "@/lib/api/route";
import { ZDeadLetterFilter } from "@/lib/dead-letters/filter";
import { replayAllDeadLetters } from "@/lib/dead-letters/replay";

export const dynamic = "force-dynamic";

/** Replays every OPEN dead letter matching the page's filter (up to REPLAY_ALL_LIMIT per press). */
export const POST = consoleRoute({ role: "OPERATOR", body: ZDeadLetterFilter }, async ({ staff, body }) =>
  replayAllDeadLetters(body, staff.id),
);
