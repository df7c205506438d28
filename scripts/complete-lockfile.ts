/**
 * `npm run lockfile:complete` — run after any `npm install` that changes dependencies.
 *
 * Why: this project's machines reach the npm registry through a mirror that lacks some other
 * platforms' native packages (e.g. @next/swc-darwin-arm64). npm then leaves them out of
 * package-lock.json, and `npm ci` refuses the lockfile ("Missing: … from lock file") — on this
 * machine and everywhere else. This adds each missing platform package as a lock entry with its exact
 * version and its platform (os/cpu/libc, read from the package name as the packages publish them), so
 * `npm ci` accepts the lockfile, skips those packages here, and installs them by version on their
 * own platform.
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

interface TLockEntry {
  version?: string;
  dev?: boolean;
  optional?: boolean;
  os?: string[];
  cpu?: string[];
  libc?: string[];
  optionalDependencies?: Record<string, string>;
}

const OSES = [
  "android",
  "darwin",
  "freebsd",
  "linux",
  "win32",
  "openharmony",
  "sunos",
  "aix",
  "netbsd",
  "openbsd",
];
const CPUS = ["arm64", "arm", "x64", "ia32", "loong64", "ppc64", "riscv64", "s390x", "wasm32", "mips64el"];

/** `@scope/pkg-linux-arm-gnueabihf` → { os: linux, cpu: arm, libc: glibc }. */
export function platformFromName(name: string): Pick<TLockEntry, "os" | "cpu" | "libc"> | null {
  const parts = (name.split("/").pop() ?? name).split("-");
  const os = parts.find((p) => OSES.includes(p));
  const cpu = parts.find((p) => CPUS.includes(p));
  if (!cpu) return null;
  const libc = parts.some((p) => p.startsWith("musl"))
    ? "musl"
    : parts.some((p) => p.startsWith("gnu"))
      ? "glibc"
      : undefined;
  return { ...(os ? { os: [os] } : {}), cpu: [cpu], ...(libc ? { libc: [libc] } : {}) };
}

const file = path.resolve(import.meta.dirname, "..", "package-lock.json");
const lock = JSON.parse(readFileSync(file, "utf8")) as { packages: Record<string, TLockEntry> };
let added = 0;
for (const [parentPath, parent] of Object.entries(lock.packages)) {
  for (const [name, spec] of Object.entries(parent.optionalDependencies ?? {})) {
    if (lock.packages[`node_modules/${name}`] || lock.packages[`${parentPath}/node_modules/${name}`])
      continue;
    const platform = platformFromName(name);
    if (!platform || !/^\d+\.\d+\.\d+/.test(spec)) {
      process.stderr.write(
        `skipped ${name}@${spec} (needed by ${parentPath}): no platform in its name or not an exact version\n`,
      );
      continue;
    }
    lock.packages[`node_modules/${name}`] = {
      version: spec,
      ...(parent.dev ? { dev: true } : {}),
      optional: true,
      ...platform,
    };
    added++;
  }
}
const sorted = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b))),
);
writeFileSync(file, `${JSON.stringify({ ...lock, packages: sorted }, null, 2)}\n`);
process.stdout.write(
  `package-lock.json: added ${added} platform package entr${added === 1 ? "y" : "ies"} the registry mirror lacks\n`,
);
