import { serve } from "inngest/next";
import { inngest } from "@/inngest/client";
import { functions } from "@/inngest/index";

export const dynamic = "force-dynamic";

// Cloud mode (production): every request, syncs (PUT) and introspection (GET) included, must carry
// Inngest's signature. The SDK's default accepts an unsigned PUT and registers the URL built from
// the request's Host header with Inngest Cloud, so anyone could point function runs at their host.
// Dev mode (local runner, dev server) is unaffected: the SDK checks no signatures there.
export const { GET, POST, PUT } = serve({ client: inngest, functions, enableUnauthedSync: false });
