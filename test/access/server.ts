/**
 * The real app for the access test: the production build (`next start`, built first when stale),
 * proxy.ts and next.config.ts headers included, on a free port and this test file's database, with
 * fresh random provider secrets so the log scan has something real to look for. Provider API bases
 * point at a closed port: nothing leaves the machine.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { childProcessEnv } from "@/lib/env";
import { buildNeeded } from "@/scripts/lib/build-freshness";
import { findFreePort } from "@/scripts/lib/free-port";
import { nextBin, runToEnd, stopChild, waitForHttp } from "@/scripts/lib/processes";

export const ROOT = path.resolve(import.meta.dirname, "../..");

const token = (bytes: number) => randomBytes(bytes).toString("base64url");
const alnum = (length: number) =>
  randomBytes(length * 2)
    .toString("base64")
    .replace(/[^A-Za-z0-9]/g, "")
    .slice(0, length);

/** Every configured secret the app is given; none may ever appear in a log line or a response. */
export function freshSecrets() {
  return {
    NEXTAUTH_SECRET: token(32),
    STRIPE_SECRET_KEY: `sk_test_${alnum(32)}`,
    STRIPE_WEBHOOK_SECRET: `whsec_${alnum(32)}`,
    HUBSPOT_ACCESS_TOKEN: `pat-na1-${alnum(32)}`,
    HUBSPOT_CLIENT_SECRET: alnum(36),
    WECHAT_APP_SECRET: alnum(32),
    WECHAT_TOKEN: alnum(24),
    WECHAT_ENCODING_AES_KEY: alnum(43),
    OPENAPPLY_API_TOKEN: alnum(32),
    INNGEST_SIGNING_KEY: `signkey-prod-${randomBytes(32).toString("hex")}`,
    INNGEST_EVENT_KEY: alnum(40),
  };
}
export type TSecrets = ReturnType<typeof freshSecrets>;

export interface TAccessServer {
  url: string;
  secrets: TSecrets;
  /** The closed port every provider API base points at (WeChat OAuth redirects there). */
  providerBase: string;
  wechatAppId: string;
  /** Everything the server printed so far (stdout and stderr). */
  logs: () => string;
  stop: () => Promise<void>;
}

export async function ensureBuild(): Promise<void> {
  const reason = buildNeeded(ROOT);
  if (!reason) return;
  process.stdout.write(`[access] building the console (${reason})…\n`);
  await runToEnd(process.execPath, [nextBin(ROOT), "build"], {
    cwd: ROOT,
    env: childProcessEnv({ NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" }),
  });
}

export async function startAccessServer(databaseUrl: string): Promise<TAccessServer> {
  await ensureBuild();
  const port = await findFreePort();
  const closed = `http://127.0.0.1:${await findFreePort()}`;
  const url = `http://localhost:${port}`;
  const secrets = freshSecrets();
  const wechatAppId = `wx${randomBytes(8).toString("hex")}`;
  const child = spawn(process.execPath, [nextBin(ROOT), "start", "-p", String(port)], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    env: childProcessEnv({
      ...secrets,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      DEMO_MODE: "true",
      LOG_LEVEL: "debug",
      DATABASE_URL: databaseUrl,
      APP_URL: url,
      NEXTAUTH_URL: url,
      // Inngest in its production (cloud) mode: /api/inngest must verify signatures.
      INNGEST_DEV: undefined,
      INNGEST_BASE_URL: closed,
      STRIPE_API_BASE: closed,
      HUBSPOT_API_BASE: closed,
      WECHAT_APP_ID: wechatAppId,
      WECHAT_API_BASE: closed,
      OPENAPPLY_API_BASE: closed,
    }),
  });
  let output = "";
  child.stdout.on("data", (c: Buffer) => (output += c.toString("utf8")));
  child.stderr.on("data", (c: Buffer) => (output += c.toString("utf8")));
  const exited = new Promise<never>((_, reject) =>
    child.once("exit", (code) => reject(new Error(`next start exited (${code}): ${output.slice(-3000)}`))),
  );
  exited.catch(() => {});
  await Promise.race([waitForHttp(`${url}/signin`, 90_000), exited]);
  return {
    url,
    secrets,
    providerBase: closed,
    wechatAppId,
    logs: () => output,
    stop: async () => {
      await stopChild(child);
      const dir = path.join(ROOT, "test-results", "access");
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, "server.log"), output);
    },
  };
}
