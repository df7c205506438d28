import { consoleRoute } from "@/lib/api/route";
import { importJobDetail } from "@/lib/imports/console";

export const dynamic = "force-dynamic";

export const GET = consoleRoute({}, async ({ params }) => ({
  job: await importJobDetail(String(params.id)),
}));
