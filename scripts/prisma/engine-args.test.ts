import { describe, expect, it } from "vitest";
import { EngineArgsError, parseEngineArgs } from "./engine-args";

describe("schema-engine command line", () => {
  it("reads the JSON-RPC invocation the Prisma CLI spawns", () => {
    const datasource = { url: "postgresql://u@h:5432/db", shadowDatabaseUrl: "postgresql://u@h:5432/shadow" };
    const args = parseEngineArgs([
      "--datamodels",
      "/p/schema.prisma",
      "--datamodels",
      "/p/models/user.prisma",
      "--datasource",
      JSON.stringify(datasource),
      "--enabled-preview-features",
      "views,relationJoins",
    ]);
    expect(args).toEqual({
      mode: "rpc",
      datamodels: ["/p/schema.prisma", "/p/models/user.prisma"],
      datasource,
      previewFeatures: ["views", "relationJoins"],
    });
  });

  it("accepts several paths after one --datamodels, as clap does", () => {
    const args = parseEngineArgs(["--datamodels", "/a.prisma", "/b.prisma", "--datasource", "{}"]);
    expect(args).toMatchObject({ mode: "rpc", datamodels: ["/a.prisma", "/b.prisma"], datasource: {} });
  });

  it("reads the cli subcommands used before migrate commands", () => {
    const url = "postgresql://u@h:5432/db";
    expect(
      parseEngineArgs(["--datasource", JSON.stringify({ url }), "cli", "can-connect-to-database"]),
    ).toEqual({
      mode: "cli",
      subcommand: "can-connect-to-database",
      datasource: { url },
    });
    expect(
      parseEngineArgs(["--datasource", JSON.stringify({ url }), "cli", "create-database"]),
    ).toMatchObject({
      subcommand: "create-database",
    });
  });

  it("answers --version without a datasource", () => {
    expect(parseEngineArgs(["--version"])).toEqual({ mode: "version" });
  });

  it("rejects what the native binary would reject", () => {
    expect(() => parseEngineArgs(["--datasource", "not json"])).toThrow(EngineArgsError);
    expect(() => parseEngineArgs(["--datasource", '{"url": 5}'])).toThrow(EngineArgsError);
    expect(() => parseEngineArgs(["cli", "push-everything"])).toThrow(/cli needs one of/);
    expect(() => parseEngineArgs(["--datamodels"])).toThrow(/needs a value/);
    expect(() => parseEngineArgs(["--bogus"])).toThrow(/unexpected argument/);
  });
});
