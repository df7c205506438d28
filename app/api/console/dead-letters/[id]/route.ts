import { consoleRoute } from "@/lib/api/route";
import { getDeadLetter } from "@/lib/dead-letters/list";

export const dynamic = "force-dynamic";

export const GET = consoleRoute({}, async ({ params }) => ({
  deadLetter: await getDeadLetter(String(params.id)),
}));
