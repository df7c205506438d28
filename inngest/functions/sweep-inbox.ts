import { inngest } from "@/inngest/client";
import { redriveStalled } from "@/lib/inbox/redrive";
import { sweepInbox } from "@/lib/inbox/sweep";

/**
 * Every minute: hand to Inngest any inbox row that was accepted but never handed off, and re-send any
 * handed off long ago but never dispatched — together, no accepted delivery waits for the hourly catch-up.
 */
export const sweepInboxFunction = inngest.createFunction(
  {
    id: "sweep-inbox",
    name: "Re-send webhook inbox rows never handed off or never dispatched",
    triggers: [{ cron: "* * * * *" }],
    concurrency: { limit: 1 },
  },
  async ({ step }) => {
    const swept = await step.run("sweep", () => sweepInbox((events) => inngest.send(events)));
    const redriven = await step.run("redrive-stalled", () =>
      redriveStalled((events) => inngest.send(events)),
    );
    return { swept, redriven };
  },
);
