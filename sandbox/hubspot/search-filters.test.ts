import { describe, expect, it } from "vitest";
import type { TPropertyDefinition } from "./property-registry";
import {
  matchesFilter,
  matchesFilterGroups,
  matchesQuery,
  normalizeSorts,
  sortRows,
  type TFilter,
} from "./search-filters";

const types: Record<string, TPropertyDefinition["type"]> = {
  amount: "number",
  closedate: "datetime",
  email: "string",
  stage: "enumeration",
};
const typeOf = (n: string) => types[n] ?? "string";
const f = (propertyName: string, operator: TFilter["operator"], rest: Partial<TFilter> = {}): TFilter => ({
  propertyName,
  operator,
  ...rest,
});

describe("search filters", () => {
  const deal = {
    amount: "900",
    closedate: "2026-03-01T00:00:00.000Z",
    email: "Li.Wei@School.cn",
    stage: "closedwon",
  };

  it("compares numbers numerically, not as text", () => {
    expect(matchesFilter(deal, f("amount", "GT", { value: "1000" }), typeOf)).toBe(false);
    expect(matchesFilter(deal, f("amount", "LT", { value: 1000 }), typeOf)).toBe(true);
    expect(matchesFilter(deal, f("amount", "BETWEEN", { value: "900", highValue: "901" }), typeOf)).toBe(
      true,
    );
  });

  it("compares datetimes given as epoch ms or ISO", () => {
    const ms = Date.parse("2026-02-01T00:00:00Z");
    expect(matchesFilter(deal, f("closedate", "GTE", { value: String(ms) }), typeOf)).toBe(true);
    expect(matchesFilter(deal, f("closedate", "LT", { value: "2026-02-01T00:00:00Z" }), typeOf)).toBe(false);
  });

  it("treats missing values as HubSpot does: NEQ and NOT_IN match, comparisons do not", () => {
    expect(matchesFilter({}, f("stage", "NEQ", { value: "x" }), typeOf)).toBe(true);
    expect(matchesFilter({}, f("stage", "NOT_IN", { values: ["x"] }), typeOf)).toBe(true);
    expect(matchesFilter({}, f("amount", "LT", { value: "5" }), typeOf)).toBe(false);
    expect(matchesFilter({}, f("amount", "GTE", { value: "5" }), typeOf)).toBe(false);
    expect(matchesFilter({ stage: "" }, f("stage", "HAS_PROPERTY"), typeOf)).toBe(false);
  });

  it("matches EQ and IN case-insensitively on strings", () => {
    expect(matchesFilter(deal, f("email", "EQ", { value: "li.wei@school.cn" }), typeOf)).toBe(true);
    expect(matchesFilter(deal, f("stage", "IN", { values: ["CLOSEDWON", "closedlost"] }), typeOf)).toBe(true);
  });

  it("matches tokens and wildcards with CONTAINS_TOKEN", () => {
    expect(matchesFilter(deal, f("email", "CONTAINS_TOKEN", { value: "*@school.cn" }), typeOf)).toBe(true);
    expect(matchesFilter(deal, f("email", "CONTAINS_TOKEN", { value: "school" }), typeOf)).toBe(true);
    expect(matchesFilter(deal, f("email", "CONTAINS_TOKEN", { value: "scho" }), typeOf)).toBe(false);
    expect(matchesFilter(deal, f("email", "NOT_CONTAINS_TOKEN", { value: "*@example.com" }), typeOf)).toBe(
      true,
    );
  });

  it("ORs groups and ANDs filters", () => {
    const groups = [
      { filters: [f("stage", "EQ", { value: "closedlost" })] },
      { filters: [f("amount", "GT", { value: "100" }), f("stage", "EQ", { value: "closedwon" })] },
    ];
    expect(matchesFilterGroups(deal, groups, typeOf)).toBe(true);
    expect(matchesFilterGroups(deal, [groups[0]!], typeOf)).toBe(false);
    expect(matchesFilterGroups(deal, [], typeOf)).toBe(true);
  });

  it("matches free-text query by word prefix", () => {
    expect(
      matchesQuery({ firstname: "Ada", lastname: "Lovelace" }, "lov ad", ["firstname", "lastname"]),
    ).toBe(true);
    expect(matchesQuery({ firstname: "Ada" }, "bob", ["firstname"])).toBe(false);
  });

  it("sorts by typed values with missing values last, then by id", () => {
    const rows: { id: string; properties: Record<string, string> }[] = [
      { id: "3", properties: { amount: "100" } },
      { id: "1", properties: { amount: "20" } },
      { id: "2", properties: {} },
      { id: "4", properties: { amount: "20" } },
    ];
    expect(sortRows(rows, normalizeSorts(["amount"]), typeOf).map((r) => r.id)).toEqual(["1", "4", "3", "2"]);
    expect(
      sortRows(rows, normalizeSorts([{ propertyName: "amount", direction: "DESCENDING" }]), typeOf).map(
        (r) => r.id,
      ),
    ).toEqual(["3", "1", "4", "2"]);
    expect(normalizeSorts(["-createdate"])).toEqual([{ propertyName: "createdate", descending: true }]);
  });
});
