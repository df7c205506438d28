import { describe, expect, it } from "vitest";
import { EngineUserError, describeTarget, toConnectionError, withDatabase } from "./pg-admin";

const target = describeTarget("postgresql://app%40x:secret@db.internal:6543/rev%20bridge?schema=sync");

describe("connection targets", () => {
  it("reads what the native engine names in its messages", () => {
    expect(target).toEqual({
      host: "db.internal",
      port: 6543,
      database: "rev bridge",
      user: "app@x",
      schema: "sync",
    });
    expect(describeTarget("postgres://localhost")).toMatchObject({
      port: 5432,
      database: "postgres",
      schema: "public",
    });
  });

  it("swaps only the database, keeping credentials and parameters", () => {
    expect(withDatabase("postgresql://u:p@h:5432/main?sslmode=require", "prisma_migrate_shadow_db_1")).toBe(
      "postgresql://u:p@h:5432/prisma_migrate_shadow_db_1?sslmode=require",
    );
  });

  it("rejects a URL that is not PostgreSQL with P1013", () => {
    expect(() => describeTarget("mysql://h/db")).toThrow(EngineUserError);
    expect(() => describeTarget("not a url")).toThrow(/P1013|invalid/);
  });
});

describe("connection errors", () => {
  it("maps a missing database to P1003, which makes the CLI offer to create it", () => {
    const error = toConnectionError(
      Object.assign(new Error("database does not exist"), { code: "3D000" }),
      target,
    );
    expect(error?.errorCode).toBe("P1003");
    expect(error?.message).toBe(
      "Database `rev bridge` does not exist on the database server at `db.internal:6543`.",
    );
  });

  it("maps refused connections to P1001 and bad passwords to P1000", () => {
    expect(
      toConnectionError(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }), target)
        ?.errorCode,
    ).toBe("P1001");
    expect(
      toConnectionError(Object.assign(new Error("password authentication failed"), { code: "28P01" }), target)
        ?.errorCode,
    ).toBe("P1000");
  });

  it("leaves other errors alone", () => {
    expect(toConnectionError(Object.assign(new Error("syntax"), { code: "42601" }), target)).toBeUndefined();
  });
});
