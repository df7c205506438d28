import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { DEFAULT_MAPPING } from "@/lib/sync/mapping";
import { MAPPING_SETTING_KEY, readMapping, resetMappingCacheForTests } from "@/lib/sync/mapping-settings";
import { withFreshDatabase } from "@/test/db";
import {
  getFieldMapping,
  saveFieldMapping,
  ZFieldMappingUpdate,
  type TFieldMappingUpdate,
} from "./field-mapping";

withFreshDatabase();

let adminId: string;
const base: TFieldMappingUpdate = {
  owners: {},
  purchaseProperties: { ...DEFAULT_MAPPING.purchaseProperties },
  purchaseEventName: DEFAULT_MAPPING.purchaseEventName,
  defaultPhoneRegion: "US",
  deleteHubspotContactOnStripeDelete: false,
};

beforeAll(async () => {
  adminId = (await db().user.create({ data: { email: "admin@x.test", role: "ADMIN" } })).id;
});

beforeEach(async () => {
  await db().appSetting.deleteMany({ where: { key: MAPPING_SETTING_KEY } });
  await db().auditLog.deleteMany({ where: { action: "sync.mapping.update" } });
  resetMappingCacheForTests();
});

describe("editing the field mapping", () => {
  it("saves ownership and purchase settings, audits what changed, and the engine's reader sees it", async () => {
    await readMapping(); // primes the engine's 2-second cache, as a busy process would have
    await saveFieldMapping(
      {
        ...base,
        owners: { phone: "stripe" },
        purchaseProperties: { ...base.purchaseProperties, currency: "rb_currency" },
        purchaseEventName: "",
        defaultPhoneRegion: "gb",
      },
      adminId,
    );
    // The console reads uncached, so the ADMIN sees the saved value at once.
    expect((await getFieldMapping()).fields.find((f) => f.key === "phone")?.owner).toBe("stripe");
    resetMappingCacheForTests();
    const m = await readMapping();
    expect(m.fields.find((f) => f.key === "phone")?.owner).toBe("stripe");
    expect(m.fields.find((f) => f.key === "email")?.owner).toBe("hubspot"); // untouched
    expect(m.purchaseProperties.currency).toBe("rb_currency");
    expect(m.purchaseEventName).toBeNull();
    expect(m.defaultPhoneRegion).toBe("GB");
    const audit = await db().auditLog.findFirstOrThrow({ where: { action: "sync.mapping.update" } });
    expect(audit.actorId).toBe(adminId);
    expect(audit.details).toEqual({
      changes: [
        "owner.phone: newest → stripe",
        "purchaseProperties.currency: revbridge_currency → rb_currency",
        "purchaseEventName: pe_revbridge_purchase → null",
        "defaultPhoneRegion: US → GB",
      ],
    });
  });

  it("an edit that changes nothing writes nothing", async () => {
    await saveFieldMapping(ZFieldMappingUpdate.parse(base), adminId);
    expect(await db().appSetting.count({ where: { key: MAPPING_SETTING_KEY } })).toBe(0);
    expect(await db().auditLog.count({ where: { action: "sync.mapping.update" } })).toBe(0);
  });

  it("refuses unknown fields and repeated purchase properties with a 400 naming them, saving nothing", async () => {
    await expect(saveFieldMapping({ ...base, owners: { fax: "stripe" } }, adminId)).rejects.toMatchObject({
      code: "bad_request",
      message: "Unknown field in the mapping: fax.",
    });
    const same = { lifetimeSpend: "x_total", lastPurchaseDate: "x_total", currency: "x_cur" };
    await expect(saveFieldMapping({ ...base, purchaseProperties: same }, adminId)).rejects.toMatchObject({
      code: "bad_request",
      details: { purchaseProperties: "use three distinct property names" },
    });
    expect(await db().appSetting.count({ where: { key: MAPPING_SETTING_KEY } })).toBe(0);
    expect(await db().auditLog.count({ where: { action: "sync.mapping.update" } })).toBe(0);
  });

  it("validates the body: owners, property names, event name, region", () => {
    const bad: unknown[] = [
      { ...base, owners: { phone: "both" } },
      { ...base, purchaseProperties: { ...base.purchaseProperties, currency: "Currency Code" } },
      { ...base, purchaseEventName: "purchase" },
      { ...base, defaultPhoneRegion: "USA" },
      { ...base, deleteHubspotContactOnStripeDelete: "yes" },
    ];
    for (const b of bad) expect(ZFieldMappingUpdate.safeParse(b).success, JSON.stringify(b)).toBe(false);
    expect(ZFieldMappingUpdate.safeParse(base).success).toBe(true);
  });
});
