import {
  FilterOperatorEnum,
  type PublicObjectSearchRequest,
} from "@hubspot/api-client/lib/codegen/crm/contacts";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { apiError, asApiError, startContractSandbox } from "./contract-fixtures";

let ctx: Awaited<ReturnType<typeof startContractSandbox>>;

beforeAll(async () => {
  // Search's own 4/s limit would trip these tests; one test turns it back down.
  ctx = await startContractSandbox({ settings: { searchPerSecond: 1_000 } });
});
afterAll(() => ctx.sandbox.close());

const people: Record<string, string>[] = [
  { email: "li.wei@school.cn", firstname: "Li", lastname: "Wei", lifecyclestage: "lead", city: "Shanghai" },
  {
    email: "ada@example.com",
    firstname: "Ada",
    lastname: "Lovelace",
    lifecyclestage: "customer",
    city: "London",
  },
  { email: "zhang.min@school.cn", firstname: "Min", lastname: "Zhang", lifecyclestage: "customer" },
  {
    email: "bob@example.com",
    firstname: "Bob",
    lastname: "Builder",
    lifecyclestage: "subscriber",
    city: "Leeds",
  },
];

beforeEach(async () => {
  await ctx.control("POST", "/__sandbox/reset");
  await ctx.control("POST", "/__sandbox/hubspot/settings", { searchPerSecond: 1_000 });
  for (const p of people) await ctx.hs.crm.contacts.basicApi.create({ properties: p, associations: [] });
});

function search(body: Partial<PublicObjectSearchRequest>) {
  return ctx.hs.crm.contacts.searchApi.doSearch({
    filterGroups: [],
    sorts: [],
    properties: ["email"],
    limit: 100,
    after: "0",
    ...body,
  });
}
const emails = (res: { results: { properties: Record<string, string | null> }[] }) =>
  res.results.map((r) => r.properties.email);
const one = (
  propertyName: string,
  operator: FilterOperatorEnum,
  extra: { value?: string; values?: string[]; highValue?: string } = {},
) => ({
  filterGroups: [{ filters: [{ propertyName, operator, ...extra }] }],
});

describe("HubSpot stand-in — CRM search through @hubspot/api-client", () => {
  it("evaluates each operator", async () => {
    expect(emails(await search(one("email", FilterOperatorEnum.Eq, { value: "ADA@example.com" })))).toEqual([
      "ada@example.com",
    ]);
    expect(
      emails(await search(one("lifecyclestage", FilterOperatorEnum.Neq, { value: "customer" }))),
    ).toEqual(["li.wei@school.cn", "bob@example.com"]);
    expect(emails(await search(one("city", FilterOperatorEnum.HasProperty)))).toHaveLength(3);
    expect(emails(await search(one("city", FilterOperatorEnum.NotHasProperty)))).toEqual([
      "zhang.min@school.cn",
    ]);
    expect(
      emails(await search(one("lifecyclestage", FilterOperatorEnum.In, { values: ["lead", "subscriber"] }))),
    ).toEqual(["li.wei@school.cn", "bob@example.com"]);
    expect(
      emails(await search(one("email", FilterOperatorEnum.ContainsToken, { value: "*@school.cn" }))),
    ).toEqual(["li.wei@school.cn", "zhang.min@school.cn"]);
    expect(emails(await search(one("lastname", FilterOperatorEnum.Gte, { value: "Lovelace" })))).toEqual([
      "li.wei@school.cn",
      "ada@example.com",
      "zhang.min@school.cn",
    ]);
    expect(emails(await search(one("lastname", FilterOperatorEnum.Lt, { value: "C" })))).toEqual([
      "bob@example.com",
    ]);
  });

  it("compares dates numerically (epoch ms or ISO) for incremental pulls", async () => {
    const cutoff = Date.now();
    const later = await ctx.hs.crm.contacts.basicApi.create({
      properties: { email: "late@example.com" },
      associations: [],
    });
    const res = await search({
      ...one("lastmodifieddate", FilterOperatorEnum.Gte, { value: String(cutoff) }),
      sorts: ["lastmodifieddate"],
    });
    expect(res.results.map((r) => r.id)).toContain(later.id);
    expect(res.results.every((r) => Date.parse(r.properties.lastmodifieddate!) >= cutoff)).toBe(true);
  });

  it("ORs filter groups, ANDs filters, sorts and pages with after", async () => {
    const query = {
      filterGroups: [
        { filters: [{ propertyName: "lifecyclestage", operator: FilterOperatorEnum.Eq, value: "customer" }] },
        {
          filters: [
            { propertyName: "city", operator: FilterOperatorEnum.HasProperty },
            { propertyName: "firstname", operator: FilterOperatorEnum.Eq, value: "Bob" },
          ],
        },
      ],
      // The SDK types sorts as strings; the API also takes {propertyName, direction}.
      sorts: [{ propertyName: "firstname", direction: "DESCENDING" } as unknown as string],
      limit: 2,
    };
    const res = await search(query);
    expect(res.total).toBe(3);
    expect(emails(res)).toEqual(["zhang.min@school.cn", "bob@example.com"]);
    expect(res.paging?.next?.after).toBe("2");
    const rest = await search({ ...query, after: res.paging!.next!.after });
    expect(emails(rest)).toEqual(["ada@example.com"]);
    expect(rest.paging).toBeUndefined();
  });

  it("returns the default search properties when none are asked for, and matches free-text query", async () => {
    const res = await ctx.hs.crm.contacts.searchApi.doSearch({
      query: "lov",
      filterGroups: [],
      sorts: [],
      properties: [],
      limit: 10,
      after: "0",
    });
    expect(res.results).toHaveLength(1);
    expect(Object.keys(res.results[0]!.properties).sort()).toEqual([
      "createdate",
      "email",
      "firstname",
      "hs_object_id",
      "lastmodifieddate",
      "lastname",
    ]);
  });

  it("refuses paging beyond 10,000 results, limits over 200 and unknown filter properties with 400", async () => {
    const beyond = await apiError(search({ after: "9950", limit: 100 }));
    expect(beyond.code).toBe(400);
    expect(beyond.body).toMatchObject({ status: "error", category: "VALIDATION_ERROR" });
    expect((await apiError(search({ limit: 201 }))).code).toBe(400);
    expect((await apiError(search(one("no_such_prop", FilterOperatorEnum.Eq, { value: "x" })))).code).toBe(
      400,
    );
    const tooMany = Array.from({ length: 6 }, () => ({
      filters: [{ propertyName: "email", operator: FilterOperatorEnum.HasProperty }],
    }));
    expect((await apiError(search({ filterGroups: tooMany }))).code).toBe(400);
  });

  it("enforces the search API's own per-second limit with the message the SDK retries on", async () => {
    await ctx.control("POST", "/__sandbox/hubspot/settings", { searchPerSecond: 4 });
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => search({})));
    const refused = results
      .filter((r): r is PromiseRejectedResult => r.status === "rejected")
      .map((r) => asApiError(r.reason));
    expect(refused).toHaveLength(2);
    expect(refused[0]).toMatchObject({
      code: 429,
      body: { message: "You have reached your secondly limit.", errorType: "RATE_LIMIT" },
    });
    // Search does not spend the ten-secondly budget.
    const page = await ctx.hs.crm.contacts.basicApi.getPage(1);
    expect(page.results).toHaveLength(1);
  });

  it("hides writes from search until the index catches up when a lag is set", async () => {
    await ctx.control("POST", "/__sandbox/hubspot/settings", { searchIndexLagMs: 60_000 });
    const c = await ctx.hs.crm.contacts.basicApi.create({
      properties: { email: "fresh@example.com" },
      associations: [],
    });
    await ctx.hs.crm.contacts.basicApi.update(c.id, { properties: { firstname: "Fresh" } });
    expect(emails(await search(one("email", FilterOperatorEnum.Eq, { value: "fresh@example.com" })))).toEqual(
      [],
    );
    expect((await ctx.hs.crm.contacts.basicApi.getById(c.id, ["firstname"])).properties.firstname).toBe(
      "Fresh",
    );
    await ctx.control("POST", "/__sandbox/hubspot/settings", { searchIndexLagMs: 0 });
    await ctx.hs.crm.contacts.basicApi.update(c.id, { properties: { lastname: "Indexed" } });
    const found = await search({
      ...one("email", FilterOperatorEnum.Eq, { value: "fresh@example.com" }),
      properties: ["lastname"],
    });
    expect(found.results.map((r) => r.properties.lastname)).toEqual(["Indexed"]);
  });
});
