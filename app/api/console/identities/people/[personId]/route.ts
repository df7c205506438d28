import { consoleRoute } from "@/lib/api/route";
import { AppError } from "@/lib/errors";
import { getPerson } from "@/lib/identity/timeline";

export const dynamic = "force-dynamic";

/** One person: follower, code, linked records and the timeline. */
export const GET = consoleRoute({}, async ({ params }) => {
  const person = await getPerson(String(params.personId));
  if (!person) throw new AppError("not_found", "No follower or linked record has this OpenID.");
  return { person };
});
