import { AssociationSpecAssociationCategoryEnum } from "@hubspot/api-client/lib/codegen/crm/contacts";
import {
  PropertyCreateFieldTypeEnum,
  PropertyCreateTypeEnum,
} from "@hubspot/api-client/lib/codegen/crm/properties";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { apiError, startContractSandbox } from "./contract-fixtures";

let ctx: Awaited<ReturnType<typeof startContractSandbox>>;

beforeAll(async () => {
  ctx = await startContractSandbox();
});
afterAll(() => ctx.sandbox.close());
beforeEach(() => ctx.control("POST", "/__sandbox/reset"));

const contact = (email: string, extra: Record<string, string> = {}) => ({
  properties: { email, ...extra },
  associations: [],
});

describe("HubSpot stand-in — objects through @hubspot/api-client", () => {
  it("creates, reads by id and by email, updates and archives a contact", async () => {
    const { hs } = ctx;
    const created = await hs.crm.contacts.basicApi.create(contact("Ada@Example.com", { firstname: "Ada" }));
    expect(created.id).toMatch(/^\d+$/);
    expect(created.createdAt).toBeInstanceOf(Date);
    expect(created.properties).toMatchObject({
      email: "ada@example.com",
      firstname: "Ada",
      hs_object_id: created.id,
    });
    expect(created.properties.lastname).toBeNull();

    const byEmail = await hs.crm.contacts.basicApi.getById(
      "ada@example.com",
      ["firstname"],
      undefined,
      undefined,
      false,
      "email",
    );
    expect(byEmail.id).toBe(created.id);
    expect(Object.keys(byEmail.properties).sort()).toEqual([
      "createdate",
      "firstname",
      "hs_object_id",
      "lastmodifieddate",
    ]);

    const updated = await hs.crm.contacts.basicApi.update(created.id, {
      properties: { lastname: "Lovelace" },
    });
    expect(updated.properties.lastname).toBe("Lovelace");
    expect(updated.updatedAt.getTime()).toBeGreaterThanOrEqual(created.updatedAt.getTime());

    await hs.crm.contacts.basicApi.archive(created.id);
    expect((await apiError(hs.crm.contacts.basicApi.getById(created.id))).code).toBe(404);
    const archived = await hs.crm.contacts.basicApi.getById(
      created.id,
      undefined,
      undefined,
      undefined,
      true,
    );
    expect(archived.archived).toBe(true);
  });

  it("lists with after/limit paging and requested properties", async () => {
    const { hs } = ctx;
    for (let i = 0; i < 5; i++)
      await hs.crm.companies.basicApi.create({ properties: { name: `School ${i}` }, associations: [] });
    const first = await hs.crm.companies.basicApi.getPage(2, undefined, ["name"]);
    expect(first.results.map((r) => r.properties.name)).toEqual(["School 0", "School 1"]);
    const ids: string[] = first.results.map((r) => r.id);
    let after = first.paging?.next?.after;
    while (after) {
      const page = await hs.crm.companies.basicApi.getPage(2, after);
      ids.push(...page.results.map((r) => r.id));
      after = page.paging?.next?.after;
    }
    expect(ids).toHaveLength(5);
    expect(new Set(ids).size).toBe(5);
  });

  it("refuses a duplicate email with 409 CONFLICT naming the existing id", async () => {
    const first = await ctx.hs.crm.contacts.basicApi.create(contact("dup@example.com"));
    const err = await apiError(ctx.hs.crm.contacts.basicApi.create(contact("DUP@example.com")));
    expect(err.code).toBe(409);
    expect(err.body).toMatchObject({
      status: "error",
      category: "CONFLICT",
      message: `Contact already exists. Existing ID: ${first.id}`,
    });
    expect(err.body.correlationId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("refuses unknown properties, bad enumeration values and invalid emails with HubSpot's validation error", async () => {
    const unknown = await apiError(
      ctx.hs.crm.contacts.basicApi.create(contact("a@example.com", { wechat_code: "X1" })),
    );
    expect(unknown.code).toBe(400);
    expect(unknown.body.category).toBe("VALIDATION_ERROR");
    const problems: unknown = JSON.parse(
      unknown.body.message.replace("Property values were not valid: ", ""),
    );
    expect(problems).toEqual([
      expect.objectContaining({ isValid: false, error: "PROPERTY_DOESNT_EXIST", name: "wechat_code" }),
    ]);

    const option = await apiError(
      ctx.hs.crm.contacts.basicApi.create(contact("a@example.com", { lifecyclestage: "alien" })),
    );
    expect(option.body.message).toContain('"error":"INVALID_OPTION"');
    const email = await apiError(ctx.hs.crm.contacts.basicApi.create(contact("not-an-email")));
    expect(email.body.message).toContain('"error":"INVALID_EMAIL"');
    expect(
      (await ctx.control<{ objects: { contacts: number } }>("GET", "/__sandbox/state")).body.objects.contacts,
    ).toBe(0);
  });

  it("creates custom properties (enumeration options enforced) and lists them", async () => {
    const { hs } = ctx;
    await hs.crm.properties.coreApi.create("contacts", {
      name: "wechat_code",
      label: "WeChat code",
      type: PropertyCreateTypeEnum.String,
      fieldType: PropertyCreateFieldTypeEnum.Text,
      groupName: "contactinformation",
      hasUniqueValue: false,
    });
    await hs.crm.properties.coreApi.create("contacts", {
      name: "wechat_openid",
      label: "WeChat OpenID",
      type: PropertyCreateTypeEnum.String,
      fieldType: PropertyCreateFieldTypeEnum.Text,
      groupName: "contactinformation",
      hasUniqueValue: true,
    });
    await hs.crm.properties.coreApi.create("contacts", {
      name: "school_stage",
      label: "Stage",
      type: PropertyCreateTypeEnum.Enumeration,
      fieldType: PropertyCreateFieldTypeEnum.Select,
      groupName: "contactinformation",
      options: [
        { label: "Applied", value: "applied", displayOrder: 0, hidden: false },
        { label: "Enrolled", value: "enrolled", displayOrder: 1, hidden: false },
      ],
    });
    const all = await hs.crm.properties.coreApi.getAll("contacts");
    expect(all.results.map((p) => p.name)).toEqual(
      expect.arrayContaining(["email", "wechat_code", "wechat_openid", "school_stage"]),
    );
    const dup = await apiError(
      hs.crm.properties.coreApi.create("contacts", {
        name: "wechat_code",
        label: "again",
        type: PropertyCreateTypeEnum.String,
        fieldType: PropertyCreateFieldTypeEnum.Text,
        groupName: "contactinformation",
      }),
    );
    expect(dup.code).toBe(409);

    const c = await hs.crm.contacts.basicApi.create(
      contact("p@example.com", {
        wechat_code: "K7QX-2",
        wechat_openid: "o6_bmjrPTlm6",
        school_stage: "applied",
      }),
    );
    expect(c.properties).toMatchObject({ email: "p@example.com" });
    const bad = await apiError(
      hs.crm.contacts.basicApi.update(c.id, { properties: { school_stage: "graduated" } }),
    );
    expect(bad.code).toBe(400);
    // hasUniqueValue makes the property usable as idProperty and enforces uniqueness.
    const byOpenId = await hs.crm.contacts.basicApi.getById(
      "o6_bmjrPTlm6",
      ["wechat_code"],
      undefined,
      undefined,
      false,
      "wechat_openid",
    );
    expect(byOpenId.properties.wechat_code).toBe("K7QX-2");
    expect(
      (
        await apiError(
          hs.crm.contacts.basicApi.create(contact("q@example.com", { wechat_openid: "o6_bmjrPTlm6" })),
        )
      ).code,
    ).toBe(409);
  });

  it("rejects a missing, malformed or (when pinned) wrong bearer token with 401", async () => {
    const missing = await fetch(`${ctx.sandbox.url}/crm/v3/objects/contacts`);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ status: "error", category: "INVALID_AUTHENTICATION" });
    const malformed = await fetch(`${ctx.sandbox.url}/crm/v3/objects/contacts`, {
      headers: { authorization: "Bearer not a token" },
    });
    expect(malformed.status).toBe(401);

    await ctx.control("POST", "/__sandbox/hubspot/settings", { accessToken: "pat-na1-the-one" });
    expect((await apiError(ctx.hs.crm.contacts.basicApi.getPage())).code).toBe(401);
    const ok = await ctx.client("pat-na1-the-one").crm.contacts.basicApi.getPage();
    expect(ok.results).toEqual([]);
  });

  it("merges two contacts; the merged id then resolves to the primary", async () => {
    const { hs } = ctx;
    const primary = await hs.crm.contacts.basicApi.create(contact("main@example.com", { firstname: "Li" }));
    const secondary = await hs.crm.contacts.basicApi.create(
      contact("other@example.com", { lastname: "Wei", phone: "+86 10 1234" }),
    );
    const merged = await hs.crm.contacts.basicApi.merge({
      primaryObjectId: primary.id,
      objectIdToMerge: secondary.id,
    });
    expect(merged.id).toBe(primary.id);
    const read = await hs.crm.contacts.basicApi.getById(secondary.id, [
      "lastname",
      "phone",
      "email",
      "hs_additional_emails",
    ]);
    expect(read.id).toBe(primary.id);
    expect(read.properties).toMatchObject({
      email: "main@example.com",
      lastname: "Wei",
      hs_additional_emails: "other@example.com",
    });
  });

  it("creates notes associated inline, as the behavioral-event fallback does", async () => {
    const { hs } = ctx;
    const c = await hs.crm.contacts.basicApi.create(contact("note@example.com"));
    const note = await hs.crm.objects.notes.basicApi.create({
      properties: {
        hs_note_body: "WeChat code issued",
        hs_timestamp: new Date("2026-01-02T03:04:05Z").toISOString(),
      },
      associations: [
        {
          to: { id: c.id },
          types: [
            {
              associationCategory: AssociationSpecAssociationCategoryEnum.HubspotDefined,
              associationTypeId: 202,
            },
          ],
        },
      ],
    });
    const withAssoc = await hs.crm.contacts.basicApi.getById(c.id, undefined, undefined, ["notes"]);
    expect(withAssoc.associations?.notes?.results).toEqual([
      expect.objectContaining({ id: note.id, type: "contact_to_note" }),
    ]);
    const missingTimestamp = await apiError(
      hs.crm.objects.notes.basicApi.create({ properties: { hs_note_body: "x" }, associations: [] }),
    );
    expect(missingTimestamp.code).toBe(400);
    const badTarget = await apiError(
      hs.crm.objects.notes.basicApi.create({
        properties: { hs_note_body: "x", hs_timestamp: "1700000000000" },
        associations: [
          {
            to: { id: "999999" },
            types: [
              {
                associationCategory: AssociationSpecAssociationCategoryEnum.HubspotDefined,
                associationTypeId: 202,
              },
            ],
          },
        ],
      }),
    );
    expect(badTarget.code).toBe(400);
  });

  it("keeps property history for propertiesWithHistory reads", async () => {
    const { hs } = ctx;
    const c = await hs.crm.contacts.basicApi.create(contact("h@example.com", { firstname: "A" }));
    await hs.crm.contacts.basicApi.update(c.id, { properties: { firstname: "B" } });
    const read = await hs.crm.contacts.basicApi.getById(c.id, undefined, ["firstname"]);
    expect(read.propertiesWithHistory?.firstname?.map((h) => h.value)).toEqual(["B", "A"]);
    expect(read.propertiesWithHistory?.firstname?.[0]?.sourceType).toBe("INTEGRATION");
  });
});
