import { Inngest } from "inngest";

/**
 * The one Inngest client. The SDK reads its own documented variables (INNGEST_DEV, INNGEST_BASE_URL,
 * INNGEST_EVENT_KEY, INNGEST_SIGNING_KEY) at call time; lib/env.ts validates the same names, so a
 * bad value still fails fast at start.
 * - production: Inngest Cloud (keys set);
 * - demo, tests, offline development: INNGEST_DEV=http://127.0.0.1:8288, where either the official
 *   dev server or the project's local runner (sandbox/inngest) listens.
 */
export const inngest = new Inngest({ id: "revbridge" });
