import { consoleRoute } from "@/lib/api/route";
import { parseDeadLetterFilter } from "@/lib/dead-letters/filter";
import { listDeadLetters } from "@/lib/dead-letters/list";

export const dynamic = "force-dynamic";

export const GET = consoleRoute({}, async ({ request }) =>
  listDeadLetters(parseDeadLetterFilter(new URL(request.url).searchParams)),
);
