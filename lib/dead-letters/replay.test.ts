import { describe, expect, it } from "vitest";
import { directionOf, replayEventId, subjectToSource } from "./replay";

describe("replay bookkeeping", () => {
  it("names the n-th replay deterministically, so a repeated send is deduplicated by Inngest", () => {
    expect(replayEventId("dl_1", 1)).toBe("replay:dl_1:1");
    expect(replayEventId("dl_1", 2)).not.toBe(replayEventId("dl_1", 1));
  });

  it("turns a subject into SyncLog source columns for the record's history", () => {
    expect(subjectToSource("HUBSPOT:contact:101")).toEqual({ sourceSystem: "HUBSPOT", sourceId: "101" });
    expect(subjectToSource("STRIPE:customer:cus_1")).toEqual({ sourceSystem: "STRIPE", sourceId: "cus_1" });
    expect(subjectToSource("sync:backfill")).toEqual({ sourceSystem: null, sourceId: "sync:backfill" });
    expect(subjectToSource(null)).toEqual({ sourceSystem: null, sourceId: null });
  });

  it("files a replay under the flow its function belongs to", () => {
    expect(directionOf("sync-contact-to-stripe")).toBe("hubspot_to_stripe");
    expect(directionOf("sync-customer-to-hubspot")).toBe("stripe_to_hubspot");
    expect(directionOf("sync-purchase-to-hubspot")).toBe("purchase");
    expect(directionOf("outbox-deliver")).toBe("outbox");
    expect(directionOf("import-run")).toBe("import");
    expect(directionOf("process-webhook")).toBe("other");
  });
});
