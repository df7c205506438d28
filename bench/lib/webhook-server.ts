/**
 * A small HTTP server in front of the app's webhook intake (lib/inbox/receive.ts), for integration
 * tests and benchmarks that run the app's functions in-process instead of `next start`: it does what
 * app/api/webhooks/{stripe,hubspot}/route.ts do — build a Request from the raw bytes and map the
 * result (or AppError) to a status.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { AppError } from "@/lib/errors";
import { receiveHubspotWebhook, receiveStripeWebhook } from "@/lib/inbox/receive";

export interface TWebhookServer {
  url: string;
  stripeUrl: string;
  hubspotUrl: string;
  /** Deliveries answered, by status. */
  answered: Record<string, number>;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export async function startWebhookServer(): Promise<TWebhookServer> {
  const answered: Record<string, number> = {};
  const server: Server = createServer((req, res) => {
    void (async () => {
      let status = 200;
      let body: unknown = { received: true };
      try {
        const raw = await readBody(req);
        const url = `http://${req.headers.host}${req.url}`;
        const headers = new Headers();
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
        const request = new Request(url, { method: req.method, headers, body: new Uint8Array(raw) });
        if (req.url?.startsWith("/api/webhooks/stripe")) body = await receiveStripeWebhook(request);
        else if (req.url?.startsWith("/api/webhooks/hubspot")) body = await receiveHubspotWebhook(request);
        else status = 404;
      } catch (error) {
        if (error instanceof AppError) {
          status = error.status;
          body = { error: error.message };
        } else {
          status = 500;
          body = { error: "internal" };
        }
      }
      answered[status] = (answered[status] ?? 0) + 1;
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    stripeUrl: `${url}/api/webhooks/stripe`,
    hubspotUrl: `${url}/api/webhooks/hubspot`,
    answered,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
