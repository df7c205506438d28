import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AssociationSpecAssociationCategoryEnum } from "@hubspot/api-client/lib/codegen/crm/objects";
import { apiError, startContractSandbox } from "./contract-fixtures";

let ctx: Awaited<ReturnType<typeof startContractSandbox>>;

beforeAll(async () => {
  ctx = await startContractSandbox();
});
afterAll(() => ctx.sandbox.close());
beforeEach(() => ctx.control("POST", "/__sandbox/reset"));

const input = (email: string, extra: Record<string, string> = {}) => ({
  properties: { email, ...extra },
  associations: [],
});
const contactCount = async () =>
  (await ctx.control<{ objects: { contacts: number } }>("GET", "/__sandbox/state")).body.objects.contacts;

describe("HubSpot stand-in — batch endpoints through @hubspot/api-client", () => {
  it("batch creates (201), reads, updates and archives", async () => {
    const { hs } = ctx;
    const created = await hs.crm.contacts.batchApi.create({
      inputs: [input("a@example.com"), input("b@example.com")],
    });
    expect(created.status).toBe("COMPLETE");
    expect(created.completedAt).toBeInstanceOf(Date);
    const ids = created.results.map((r) => r.id);

    const read = await hs.crm.contacts.batchApi.read({
      inputs: [{ id: "a@example.com" }, { id: "b@example.com" }],
      idProperty: "email",
      properties: ["email"],
      propertiesWithHistory: [],
    });
    expect(read.results.map((r) => r.id).sort()).toEqual([...ids].sort());

    const updated = await hs.crm.contacts.batchApi.update({
      inputs: ids.map((id) => ({ id, properties: { lifecyclestage: "lead" } })),
    });
    expect(updated.results.map((r) => r.id).sort()).toEqual([...ids].sort());
    const check = await hs.crm.contacts.basicApi.getById(ids[0]!, ["lifecyclestage"]);
    expect(check.properties.lifecyclestage).toBe("lead");

    await hs.crm.contacts.batchApi.archive({ inputs: [{ id: ids[0]! }] });
    expect(await contactCount()).toBe(1);
  });

  it("answers 207 for a batch read that names missing ids", async () => {
    const { hs } = ctx;
    const c = await hs.crm.contacts.basicApi.create(input("here@example.com"));
    const read = await hs.crm.contacts.batchApi.read({
      inputs: [{ id: c.id }, { id: "424242" }],
      properties: [],
      propertiesWithHistory: [],
    });
    expect(read.results.map((r) => r.id)).toEqual([c.id]);
    expect("numErrors" in read && read.numErrors).toBe(1);
    expect("errors" in read && read.errors?.[0]).toMatchObject({
      category: "OBJECT_NOT_FOUND",
      context: { ids: ["424242"] },
    });
  });

  it("upserts by a unique idProperty, reporting which records are new", async () => {
    const { hs } = ctx;
    await hs.crm.contacts.basicApi.create(input("old@example.com", { firstname: "Old" }));
    const res = await hs.crm.contacts.batchApi.upsert({
      inputs: [
        { idProperty: "email", id: "old@example.com", properties: { firstname: "Updated" } },
        { idProperty: "email", id: "new@example.com", properties: { firstname: "New" } },
      ],
    });
    const byNew = Object.fromEntries(res.results.map((r) => [r.properties.email ?? "", r._new] as const));
    expect(byNew).toEqual({ "old@example.com": false, "new@example.com": true });
    const old = await hs.crm.contacts.basicApi.getById(
      "old@example.com",
      ["firstname"],
      undefined,
      undefined,
      false,
      "email",
    );
    expect(old.properties.firstname).toBe("Updated");
    const notUnique = await apiError(
      hs.crm.contacts.batchApi.upsert({ inputs: [{ idProperty: "firstname", id: "x", properties: {} }] }),
    );
    expect(notUnique.code).toBe(400);
  });

  it("refuses more than 100 inputs with HubSpot's validation error and writes nothing", async () => {
    const inputs = Array.from({ length: 101 }, (_, i) => input(`bulk${i}@example.com`));
    const err = await apiError(ctx.hs.crm.contacts.batchApi.create({ inputs }));
    expect(err.code).toBe(400);
    expect(err.body).toMatchObject({
      status: "error",
      category: "VALIDATION_ERROR",
      message:
        "The maximum number of inputs supported in a batch is 100. Please reduce the number of items and try again",
    });
    expect(await contactCount()).toBe(0);
    expect(
      (
        await apiError(
          ctx.hs.crm.contacts.batchApi.read({
            inputs: inputs.map((_, i) => ({ id: String(i) })),
            properties: [],
            propertiesWithHistory: [],
          }),
        )
      ).code,
    ).toBe(400);
  });

  it("reads associations for up to 1,000 records a request (HubSpot's limit since 2025) and refuses more", async () => {
    const { hs } = ctx;
    const company = await hs.crm.companies.basicApi.create({
      properties: { name: "Acme" },
      associations: [],
    });
    const contact = await hs.crm.contacts.basicApi.create({
      properties: { email: "linked@example.com" },
      associations: [
        {
          to: { id: company.id },
          types: [
            {
              associationCategory: AssociationSpecAssociationCategoryEnum.HubspotDefined,
              associationTypeId: 279,
            },
          ],
        },
      ],
    });
    const ids = [contact.id, ...Array.from({ length: 999 }, (_, i) => String(900_000 + i))];
    const read = await hs.crm.associations.v4.batchApi.getPage("contacts", "companies", {
      inputs: ids.map((id) => ({ id })),
    });
    expect(read.results).toHaveLength(1);
    expect(read.results[0]!.to.map((t) => [t.toObjectId, t.associationTypes.map((a) => a.typeId)])).toEqual([
      [Number(company.id), [279]],
    ]);
    const tooMany = await apiError(
      hs.crm.associations.v4.batchApi.getPage("contacts", "companies", {
        inputs: [...ids, "1"].map((id) => ({ id })),
      }),
    );
    expect(tooMany.code).toBe(400);
    expect(tooMany.body.message).toBe(
      "The maximum number of inputs supported in a batch is 1000. Please reduce the number of items and try again",
    );
  });

  it("fails the whole batch on one bad input when no objectWriteTraceId is given", async () => {
    const err = await apiError(
      ctx.hs.crm.contacts.batchApi.create({ inputs: [input("fine@example.com"), input("broken-email")] }),
    );
    expect(err.code).toBe(400);
    expect(err.body.message).toContain("INVALID_EMAIL");
    expect(await contactCount()).toBe(0);
  });

  it("answers 207 multi-status with per-input errors when inputs carry objectWriteTraceId", async () => {
    const res = await ctx.hs.crm.contacts.batchApi.create({
      inputs: [
        { ...input("ok@example.com"), objectWriteTraceId: "row-1" },
        { ...input("broken-email"), objectWriteTraceId: "row-2" },
        { ...input("ok2@example.com", { nonexistent_prop: "x" }), objectWriteTraceId: "row-3" },
      ],
    });
    expect(res.results).toHaveLength(1);
    expect("numErrors" in res && res.numErrors).toBe(2);
    const errors = "errors" in res ? (res.errors ?? []) : [];
    expect(errors.map((e) => e.context)).toEqual([
      { objectWriteTraceId: ["row-2"] },
      { objectWriteTraceId: ["row-3"] },
    ]);
    expect(errors.every((e) => e.category === "VALIDATION_ERROR")).toBe(true);
    expect(await contactCount()).toBe(1);
  });

  it("refuses duplicate emails within one batch and against existing contacts", async () => {
    await ctx.hs.crm.contacts.basicApi.create(input("taken@example.com"));
    const existing = await apiError(
      ctx.hs.crm.contacts.batchApi.create({ inputs: [input("taken@example.com")] }),
    );
    expect(existing.code).toBe(409);
    const within = await apiError(
      ctx.hs.crm.contacts.batchApi.create({
        inputs: [input("twice@example.com"), input("TWICE@example.com")],
      }),
    );
    expect(within.code).toBe(400);
    expect(await contactCount()).toBe(1);
  });

  it("reports a missing id in batch update as OBJECT_NOT_FOUND", async () => {
    const err = await apiError(
      ctx.hs.crm.contacts.batchApi.update({ inputs: [{ id: "999999", properties: { firstname: "x" } }] }),
    );
    expect(err.code).toBe(404);
    expect(err.body).toMatchObject({ category: "OBJECT_NOT_FOUND", context: { ids: ["999999"] } });
  });
});
