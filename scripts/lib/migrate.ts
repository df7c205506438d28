import { runPrisma } from "../prisma/cli";

/** `prisma migrate deploy` into `url` (offline-capable); throws with Prisma's own last lines on failure. */
export async function migrateDeploy(url: string, opts: { quiet?: boolean } = {}): Promise<void> {
  const result = await runPrisma(["migrate", "deploy"], {
    env: { DATABASE_URL: url },
    stdio: opts.quiet ? "pipe" : "inherit",
  });
  if (result.exitCode !== 0) {
    const tail = `${result.stderr}\n${result.stdout}`.trim().split("\n").slice(-5).join("\n");
    throw new Error(`prisma migrate deploy failed (exit ${result.exitCode})${tail ? `:\n${tail}` : ""}`);
  }
}
