import { publicRoute } from "@/lib/api/route";
import { receiveStripeWebhook } from "@/lib/inbox/receive";

export const dynamic = "force-dynamic";

/** Stripe webhook: verified, written to the inbox, handed to Inngest; 200 once safely stored. */
export const POST = publicRoute(async (request) => ({
  received: true,
  ...(await receiveStripeWebhook(request)),
}));
