import { inngest } from "@/inngest/client";
import { drainOutbox } from "@/lib/events/drain";

/** Every minute: hand to Inngest any accepted lifecycle event whose hand-off never happened. */
export const outboxDrainFunction = inngest.createFunction(
  {
    id: "outbox-drain",
    name: "Re-send lifecycle events never handed off",
    triggers: [{ cron: "* * * * *" }],
    concurrency: { limit: 1 },
  },
  async ({ step }) => step.run("drain", () => drainOutbox()),
);
