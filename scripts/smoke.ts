/**
 * `npm run smoke -- hubspot [--create-properties]`: checks this environment's HubSpot connection
 * for lifecycle events (credentials, the mapping's properties, a dry-run event of every mapped
 * type), prints PASS/FAIL per check and exits 1 when any check fails. Uses the app's configuration
 * (environment, or `.env` in the working directory when present); writes nothing unless
 * `--create-properties` is given, which creates the missing `revbridge_*` contact properties.
 */
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { disconnectDb } from "@/lib/db";
import { ConfigError } from "@/lib/env";
import { formatSmokeReport, runHubspotSmoke } from "@/lib/events/smoke-hubspot";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { "create-properties": { type: "boolean", default: false } },
});
const target = positionals[0];
if (target !== "hubspot") {
  process.stderr.write("Usage: npm run smoke -- hubspot [--create-properties]\n");
  process.exit(2);
}
if (existsSync(".env")) process.loadEnvFile(".env");

let code = 0;
try {
  const checks = await runHubspotSmoke({ createProperties: values["create-properties"] });
  process.stdout.write(`${formatSmokeReport("hubspot", checks)}\n`);
  code = checks.every((c) => c.ok) ? 0 : 1;
} catch (error) {
  process.stderr.write(
    `${error instanceof ConfigError ? error.message : `smoke failed: ${(error as Error).message}`}\n`,
  );
  code = 1;
} finally {
  await disconnectDb();
}
process.exit(code);
