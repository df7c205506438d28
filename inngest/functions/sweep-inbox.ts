import { inngest } from "@/inngest/client";
import { sweepInbox } from "@/lib/inbox/sweep";

/** Every minute: hand to Inngest any inbox row that was accepted but never handed off. */
export const sweepInboxFunction = inngest.createFunction(
  {
    id: "sweep-inbox",
    name: "Re-send webhook inbox rows never handed off",
    triggers: [{ cron: "* * * * *" }],
    concurrency: { limit: 1 },
  },
  async ({ step }) => {
    return step.run("sweep", () => sweepInbox((events) => inngest.send(events)));
  },
);
