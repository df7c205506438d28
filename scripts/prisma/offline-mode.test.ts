import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, parseEnv } from "@/lib/env";
import { ZPrismaCliEnv } from "./config";
import { decideOfflineMode, resolveOfflineMode } from "./offline-mode";

const roots: string[] = [];

/** A project root whose node_modules/@prisma/engines holds the given file names. */
function projectWithEngineFiles(...names: string[]): string {
  const root = mkdtempSync(path.join(tmpdir(), "rb-offline-mode-"));
  roots.push(root);
  const engines = path.join(root, "node_modules", "@prisma", "engines");
  mkdirSync(engines, { recursive: true });
  for (const name of names) writeFileSync(path.join(engines, name), "");
  return root;
}

afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

const decide = (env: Record<string, string>, root: string) =>
  decideOfflineMode(parseEnv(ZPrismaCliEnv, env), root);

describe("offline mode decision", () => {
  it("switches on when no schema-engine binary is on disk", () => {
    const root = projectWithEngineFiles("package.json");
    expect(decide({}, root)).toEqual({ offline: true, reason: "no schema-engine binary on disk" });
  });

  it("ignores half-downloaded engine files", () => {
    const root = projectWithEngineFiles(
      "schema-engine-debian-openssl-3.0.x.gz",
      "schema-engine-debian-openssl-3.0.x.sha256",
    );
    expect(decide({}, root).offline).toBe(true);
  });

  it("keeps the stock engine when its binary is present", () => {
    const root = projectWithEngineFiles("schema-engine-debian-openssl-3.0.x");
    const decision = decide({}, root);
    expect(decision.offline).toBe(false);
    expect(decision.reason).toContain("schema-engine-debian-openssl-3.0.x");
  });

  it("obeys PRISMA_OFFLINE both ways, before anything else", () => {
    expect(
      decide({ PRISMA_OFFLINE: "1" }, projectWithEngineFiles("schema-engine-darwin-arm64")).offline,
    ).toBe(true);
    expect(decide({ PRISMA_OFFLINE: "true" }, projectWithEngineFiles()).offline).toBe(true);
    expect(decide({ PRISMA_OFFLINE: "0" }, projectWithEngineFiles()).offline).toBe(false);
    expect(
      decide({ PRISMA_OFFLINE: "false", PRISMA_SCHEMA_ENGINE_BINARY: "/x" }, projectWithEngineFiles())
        .offline,
    ).toBe(false);
  });

  it("leaves an engine the caller chose, or a mirror it can download from, to the stock CLI", () => {
    expect(
      decide({ PRISMA_SCHEMA_ENGINE_BINARY: "/opt/schema-engine" }, projectWithEngineFiles()).offline,
    ).toBe(false);
    expect(
      decide({ PRISMA_ENGINES_MIRROR: "https://mirror.example/prisma" }, projectWithEngineFiles()).offline,
    ).toBe(false);
  });

  it("names a malformed PRISMA_OFFLINE in one line", () => {
    expect(() => parseEnv(ZPrismaCliEnv, { PRISMA_OFFLINE: "maybe" })).toThrow(ConfigError);
    expect(() => parseEnv(ZPrismaCliEnv, { PRISMA_OFFLINE: "maybe" })).toThrow(/PRISMA_OFFLINE/);
  });

  it("keeps the stock engine when no binary is on disk but the download host answers", async () => {
    const root = projectWithEngineFiles();
    const env = parseEnv(ZPrismaCliEnv, {});
    await expect(resolveOfflineMode(env, root, () => Promise.resolve(true))).resolves.toMatchObject({
      offline: false,
    });
    await expect(resolveOfflineMode(env, root, () => Promise.resolve(false))).resolves.toMatchObject({
      offline: true,
    });
    const forced = parseEnv(ZPrismaCliEnv, { PRISMA_OFFLINE: "1" });
    await expect(resolveOfflineMode(forced, root, () => Promise.resolve(true))).resolves.toMatchObject({
      offline: true,
    });
  });
});
