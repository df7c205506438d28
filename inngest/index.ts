import { sweepInboxFunction } from "@/inngest/functions/sweep-inbox";

/** Every function served at /api/inngest. */
export const functions = [sweepInboxFunction];
