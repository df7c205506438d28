/**
 * Decides whether the Prisma CLI runs with its stock schema-engine binary or with our offline bridge.
 * The decision is cheap (a couple of readdir calls) because it runs before every Prisma command.
 */
import { readdirSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { type TPrismaCliEnv } from "./config";

export interface TOfflineDecision {
  offline: boolean;
  /** One line for logs and the README's "how it switches on". */
  reason: string;
}

/**
 * Where the Prisma CLI looks for `schema-engine-<binaryTarget>` before downloading one (its `resolveBinary`):
 * @prisma/engines first, then next to the CLI package. The engines postinstall is denied in this project,
 * so a binary there means someone fetched it on purpose (e.g. a production image with internet).
 */
function findStockEngineBinary(root: string): string | undefined {
  const dirs = [
    path.join(root, "node_modules", "@prisma", "engines"),
    path.join(root, "node_modules", "prisma"),
    path.join(root, "node_modules"),
    path.join(root, "node_modules", "prisma", "runtime"),
  ];
  for (const dir of dirs) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    const binary = names.find((n) => /^schema-engine-[\w.-]+$/.test(n) && !/\.(gz|sha256|tmp)$/.test(n));
    if (binary) return path.join(dir, binary);
  }
  return undefined;
}

export function decideOfflineMode(env: TPrismaCliEnv, root: string): TOfflineDecision {
  if (env.PRISMA_OFFLINE === true) return { offline: true, reason: "PRISMA_OFFLINE is on" };
  if (env.PRISMA_OFFLINE === false) return { offline: false, reason: "PRISMA_OFFLINE is off" };
  if (env.PRISMA_SCHEMA_ENGINE_BINARY) {
    return { offline: false, reason: "PRISMA_SCHEMA_ENGINE_BINARY already names an engine" };
  }
  const binary = findStockEngineBinary(root);
  if (binary) return { offline: false, reason: `stock engine found at ${path.relative(root, binary)}` };
  if (env.PRISMA_ENGINES_MIRROR) {
    return { offline: false, reason: "PRISMA_ENGINES_MIRROR is set, the CLI can download its engine" };
  }
  return { offline: true, reason: "no schema-engine binary on disk" };
}

/** Prisma's engine download host; the stock CLI fetches the binary from here on first use. */
const ENGINE_HOST = "binaries.prisma.sh";

/** True when a TCP connection to the engine host's HTTPS port opens within `timeoutMs`. */
export function canReachEngineHost(timeoutMs = 2000, host = ENGINE_HOST): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port: 443 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/**
 * The decision for a real run: with no binary on disk, a machine that can reach Prisma's download host
 * keeps the stock engine (the CLI downloads it, as in production); only one that cannot goes offline.
 */
export async function resolveOfflineMode(
  env: TPrismaCliEnv,
  root: string,
  reachable: () => Promise<boolean> = canReachEngineHost,
): Promise<TOfflineDecision> {
  const decision = decideOfflineMode(env, root);
  if (!decision.offline || env.PRISMA_OFFLINE === true) return decision;
  return (await reachable())
    ? { offline: false, reason: "no binary on disk, but the engine host is reachable: the CLI downloads it" }
    : { offline: true, reason: "no schema-engine binary on disk and the engine host is unreachable" };
}
