import { AssociationSpecAssociationCategoryEnum } from "@hubspot/api-client/lib/codegen/crm/associations/v4";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { apiError, startContractSandbox } from "./contract-fixtures";

let ctx: Awaited<ReturnType<typeof startContractSandbox>>;

beforeAll(async () => {
  ctx = await startContractSandbox();
});
afterAll(() => ctx.sandbox.close());
beforeEach(() => ctx.control("POST", "/__sandbox/reset"));

const spec = (associationTypeId: number) => ({
  associationCategory: AssociationSpecAssociationCategoryEnum.HubspotDefined,
  associationTypeId,
});

async function seedRecords() {
  const { hs } = ctx;
  const contact = await hs.crm.contacts.basicApi.create({
    properties: { email: "parent@example.com" },
    associations: [],
  });
  const company = await hs.crm.companies.basicApi.create({
    properties: { name: "Harbour School" },
    associations: [],
  });
  const deal = await hs.crm.deals.basicApi.create({
    properties: { dealname: "Enrolment 2026", amount: "12000" },
    associations: [],
  });
  const ticket = await hs.crm.tickets.basicApi.create({
    properties: { subject: "Fee question", hs_pipeline_stage: "1" },
    associations: [],
  });
  return { contact, company, deal, ticket };
}

describe("HubSpot stand-in — associations v4 through @hubspot/api-client", () => {
  it("batch creates associations and reads them back from both sides", async () => {
    const { hs } = ctx;
    const { contact, company, deal, ticket } = await seedRecords();
    const created = await hs.crm.associations.v4.batchApi.create("contacts", "companies", {
      inputs: [{ _from: { id: contact.id }, to: { id: company.id }, types: [spec(1)] }],
    });
    expect(created.results[0]).toMatchObject({
      fromObjectTypeId: "0-1",
      toObjectTypeId: "0-2",
      labels: ["Primary"],
    });
    await hs.crm.associations.v4.batchApi.create("deals", "contacts", {
      inputs: [{ _from: { id: deal.id }, to: { id: contact.id }, types: [spec(3)] }],
    });
    await hs.crm.associations.v4.batchApi.createDefault("tickets", "companies", {
      inputs: [{ _from: { id: ticket.id }, to: { id: company.id } }],
    });

    const fromCompany = await hs.crm.associations.v4.batchApi.getPage("companies", "contacts", {
      inputs: [{ id: company.id }],
    });
    const types = fromCompany.results[0]!.to[0]!.associationTypes.map((t) => t.typeId).sort((a, b) => a - b);
    expect(fromCompany.results[0]!.to[0]!.toObjectId).toBe(Number(contact.id));
    expect(types).toEqual([2, 280]);
    const contactDeals = await hs.crm.associations.v4.basicApi.getPage("contacts", contact.id, "deals");
    expect(contactDeals.results).toEqual([expect.objectContaining({ toObjectId: Number(deal.id) })]);
    const ticketCompanies = await hs.crm.associations.v4.batchApi.getPage("tickets", "companies", {
      inputs: [{ id: ticket.id }],
    });
    expect(ticketCompanies.results[0]!.to[0]!.associationTypes[0]!.typeId).toBe(339);
  });

  it("answers 207 for inputs without associations or with missing objects", async () => {
    const { hs } = ctx;
    const { contact, company } = await seedRecords();
    const read = await hs.crm.associations.v4.batchApi.getPage("contacts", "companies", {
      inputs: [{ id: contact.id }],
    });
    expect("errors" in read && read.errors?.[0]).toMatchObject({
      category: "OBJECT_NOT_FOUND",
      subCategory: "crm.associations.NO_ASSOCIATIONS_FOUND",
    });
    const created = await hs.crm.associations.v4.batchApi.create("contacts", "companies", {
      inputs: [
        { _from: { id: contact.id }, to: { id: company.id }, types: [spec(279)] },
        { _from: { id: "999999" }, to: { id: company.id }, types: [spec(279)] },
      ],
    });
    expect(created.results).toHaveLength(1);
    expect("numErrors" in created && created.numErrors).toBe(1);
    const wrongType = await hs.crm.associations.v4.batchApi.create("contacts", "companies", {
      inputs: [{ _from: { id: contact.id }, to: { id: company.id }, types: [spec(3)] }],
    });
    expect("errors" in wrongType && wrongType.errors?.[0]?.category).toBe("VALIDATION_ERROR");
  });

  it("moves a merged contact's associations to the primary", async () => {
    const { hs } = ctx;
    const { contact, company } = await seedRecords();
    const other = await hs.crm.contacts.basicApi.create({
      properties: { email: "dup@example.com" },
      associations: [],
    });
    await hs.crm.associations.v4.batchApi.createDefault("contacts", "companies", {
      inputs: [{ _from: { id: other.id }, to: { id: company.id } }],
    });
    await hs.crm.contacts.basicApi.merge({ primaryObjectId: contact.id, objectIdToMerge: other.id });
    const read = await hs.crm.associations.v4.batchApi.getPage("companies", "contacts", {
      inputs: [{ id: company.id }],
    });
    expect(read.results[0]!.to.map((t) => t.toObjectId)).toEqual([Number(contact.id)]);
  });
});

describe("HubSpot stand-in — custom behavioral events", () => {
  const event = {
    eventName: "pe62515_wechat_code_issued",
    email: "parent@example.com",
    properties: { code: "K7QX-2" },
    occurredAt: new Date(),
  };

  it("accepts events with 204 and records them", async () => {
    await ctx.hs.events.send.basicApi.send(event);
    const { body } = await ctx.control<{
      results: { eventName: string; properties: Record<string, string> }[];
    }>("GET", "/__sandbox/hubspot/events");
    expect(body.results).toEqual([
      expect.objectContaining({ eventName: "pe62515_wechat_code_issued", properties: { code: "K7QX-2" } }),
    ]);
  });

  it("answers 403 MISSING_SCOPES when the portal lacks custom events, 404 for an unknown definition", async () => {
    await ctx.control("POST", "/__sandbox/hubspot/settings", { behavioralEvents: "forbidden" });
    const forbidden = await apiError(ctx.hs.events.send.basicApi.send(event));
    expect(forbidden.code).toBe(403);
    expect(forbidden.body).toMatchObject({ status: "error", category: "MISSING_SCOPES" });
    await ctx.control("POST", "/__sandbox/hubspot/settings", { behavioralEvents: "not_found" });
    expect((await apiError(ctx.hs.events.send.basicApi.send(event))).code).toBe(404);
    expect(
      (await ctx.control<{ results: unknown[] }>("GET", "/__sandbox/hubspot/events")).body.results,
    ).toEqual([]);
  });

  it("requires a way to identify the contact", async () => {
    const err = await apiError(ctx.hs.events.send.basicApi.send({ eventName: "pe62515_x", properties: {} }));
    expect(err.code).toBe(400);
  });
});
