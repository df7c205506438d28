/**
 * `npm run runner` — the local Inngest runner on 127.0.0.1:8288 (see README.md in this folder).
 * If the port is taken, another dev server or runner already serves it: say so and step aside.
 */
import { ConfigError } from "@/lib/env";
import { readRunnerEnv } from "./config";
import { PortInUseError, startRunner } from "./runner";

async function main(): Promise<void> {
  const env = readRunnerEnv();
  let runner;
  try {
    runner = await startRunner({
      databaseUrl: env.databaseUrl,
      host: env.host,
      port: env.port,
      appUrls: env.appUrls,
      timeCompression: env.timeCompression,
      maxInFlight: env.maxInFlight,
      requestTimeoutMs: env.requestTimeoutMs,
      signingKey: env.signingKey,
      logLevel: env.logLevel,
    });
  } catch (err) {
    if (err instanceof PortInUseError) {
      process.stdout.write(
        `port ${env.port} is in use — another Inngest dev server or runner is running; using it\n`,
      );
      process.exit(0);
    }
    throw err;
  }
  process.stdout.write(
    `Inngest local runner listening on ${runner.url} (set INNGEST_DEV=${runner.url} in the app)\n`,
  );
  runner.ready.catch(() => process.exit(1));
  const shutdown = () => {
    void runner.close().then(() => process.exit(0));
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
}

main().catch((err: unknown) => {
  process.stderr.write(
    `${err instanceof ConfigError ? err.message : err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
