/**
 * The command line of the native `schema-engine` binary, as the Prisma CLI uses it:
 *
 *   schema-engine [--datamodels <path>]... [--datasource <json>] [--enabled-preview-features <list>]
 *                 [--extension-types <json>]                      → JSON-RPC server on stdio
 *   schema-engine --datasource <json> cli <can-connect-to-database|create-database|drop-database>
 *   schema-engine --version
 */
import { z } from "zod";

export const ZDatasourceArg = z.object({
  url: z.string().optional(),
  shadowDatabaseUrl: z.string().optional(),
});
export type TDatasourceArg = z.infer<typeof ZDatasourceArg>;

export const CLI_SUBCOMMANDS = ["can-connect-to-database", "create-database", "drop-database"] as const;
export type TCliSubcommand = (typeof CLI_SUBCOMMANDS)[number];

export type TEngineArgs =
  | { mode: "version" }
  | { mode: "help" }
  | { mode: "cli"; subcommand: TCliSubcommand; datasource: TDatasourceArg }
  | { mode: "rpc"; datamodels: string[]; datasource: TDatasourceArg; previewFeatures: string[] };

export class EngineArgsError extends Error {
  override name = "EngineArgsError";
}

function parseDatasource(json: string): TDatasourceArg {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new EngineArgsError('--datasource must be JSON, e.g. {"url":"postgresql://..."}');
  }
  const parsed = ZDatasourceArg.safeParse(value);
  if (!parsed.success)
    throw new EngineArgsError("--datasource must be an object with string `url`/`shadowDatabaseUrl`");
  return parsed.data;
}

export function parseEngineArgs(argv: readonly string[]): TEngineArgs {
  const datamodels: string[] = [];
  const previewFeatures: string[] = [];
  let datasource: TDatasourceArg = {};
  let subcommand: string | undefined;
  let inCli = false;

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const [flag, inline] =
      arg.startsWith("--") && arg.includes("=") ? arg.split(/=(.*)/s, 2) : [arg, undefined];
    const takeValue = (): string => {
      if (inline !== undefined) return inline;
      const next = argv[++i];
      if (next === undefined) throw new EngineArgsError(`${flag} needs a value`);
      return next;
    };
    switch (flag) {
      case "--version":
      case "-V":
        return { mode: "version" };
      case "--help":
      case "-h":
        return { mode: "help" };
      case "--datamodels":
      case "-d":
        datamodels.push(takeValue());
        // clap also accepts `--datamodels a b c`: keep taking plain values.
        while (
          inline === undefined &&
          argv[i + 1] !== undefined &&
          !argv[i + 1]?.startsWith("-") &&
          argv[i + 1] !== "cli"
        ) {
          datamodels.push(argv[++i] as string);
        }
        break;
      case "--datasource":
        datasource = parseDatasource(takeValue());
        break;
      case "--enabled-preview-features":
      case "-p":
        previewFeatures.push(...takeValue().split(",").filter(Boolean));
        break;
      case "--extension-types":
        // Extensions are an experimental Prisma Postgres feature the wasm engine has no input for.
        takeValue();
        break;
      case "cli":
        inCli = true;
        break;
      default:
        if (inCli && subcommand === undefined && !arg.startsWith("-")) subcommand = arg;
        else throw new EngineArgsError(`unexpected argument: ${arg}`);
    }
  }

  if (inCli) {
    if (!CLI_SUBCOMMANDS.includes(subcommand as TCliSubcommand)) {
      throw new EngineArgsError(`cli needs one of: ${CLI_SUBCOMMANDS.join(", ")}`);
    }
    return { mode: "cli", subcommand: subcommand as TCliSubcommand, datasource };
  }
  return { mode: "rpc", datamodels, datasource, previewFeatures };
}

export const ENGINE_USAGE = `schema-engine (offline bridge over @prisma/schema-engine-wasm)

Usage:
  schema-engine [--datamodels <path>]... [--datasource <json>]     JSON-RPC 2.0 on stdin/stdout
  schema-engine --datasource <json> cli <can-connect-to-database|create-database|drop-database>
  schema-engine --version
`;
