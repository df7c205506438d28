/**
 * Bad configuration ends `npm start` and `npm run demo` with one line naming the problem — no stack
 * trace, nothing started. Runs the real entry scripts as child processes.
 */
import { spawnSync } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { childProcessEnv } from "@/lib/env";

const root = path.resolve(import.meta.dirname, "..");
const GOOD = {
  NEXTAUTH_SECRET: "s".repeat(40),
  DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/postgres",
  INNGEST_DEV: "http://127.0.0.1:8288",
};

function run(script: string, env: Record<string, string | undefined>) {
  const result = spawnSync(process.execPath, ["--import", "tsx", "--conditions=react-server", script], {
    cwd: root,
    env: childProcessEnv({ NEXTAUTH_SECRET: undefined, DATABASE_URL: undefined, PORT: undefined, ...env }),
    encoding: "utf8",
    timeout: 60_000,
  });
  const lines = result.stderr.split("\n").filter((l) => l.trim() && !l.includes("nodedir"));
  return { status: result.status, lines };
}

let busy: net.Server;
let busyPort = 0;
beforeAll(async () => {
  busy = net.createServer();
  await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", resolve));
  busyPort = (busy.address() as net.AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => busy.close(() => resolve())));

describe("bad configuration", () => {
  it("npm start: a missing secret is named in one line", () => {
    const { status, lines } = run("scripts/start.ts", { DATABASE_URL: GOOD.DATABASE_URL });
    expect(status).toBe(1);
    expect(lines).toEqual([expect.stringContaining("NEXTAUTH_SECRET is required but not set")]);
  });

  it("npm start: a malformed DATABASE_URL is named in one line", () => {
    const { status, lines } = run("scripts/start.ts", { ...GOOD, DATABASE_URL: "mysql://root@localhost/x" });
    expect(status).toBe(1);
    expect(lines).toEqual([expect.stringContaining("DATABASE_URL must be a postgresql:// URL")]);
  });

  it("npm start: a port in use is named in one line", () => {
    const { status, lines } = run("scripts/start.ts", { ...GOOD, PORT: String(busyPort) });
    expect(status).toBe(1);
    expect(lines).toEqual([`Port ${busyPort} is in use: stop what runs there or set PORT.`]);
  });

  it("npm run demo: a port in use and a malformed DATABASE_URL are one line each", () => {
    const port = run("scripts/demo.ts", { PORT: String(busyPort) });
    expect(port.status).toBe(1);
    expect(port.lines).toEqual([expect.stringMatching(new RegExp(`^Port ${busyPort} is in use`))]);
    const url = run("scripts/demo.ts", { DATABASE_URL: "not a url", PORT: String(busyPort + 1) });
    expect(url.status).toBe(1);
    expect(url.lines).toEqual([expect.stringContaining("DATABASE_URL must be a postgresql:// URL")]);
  });
});
