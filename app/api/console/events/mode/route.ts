import { z } from "zod";
import { consoleRoute } from "@/lib/api/route";
import { setEventsMode, ZEventsMode } from "@/lib/events/settings";

export const dynamic = "force-dynamic";

/** ADMIN switches this environment's lifecycle events between disabled, dry run and live (audited). */
export const PUT = consoleRoute(
  { role: "ADMIN", body: z.object({ mode: ZEventsMode }) },
  async ({ staff, body }) => ({ mode: await setEventsMode(staff, body.mode) }),
);
