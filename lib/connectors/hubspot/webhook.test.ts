import { Signature } from "@hubspot/api-client";
import { describe, expect, it } from "vitest";
import { hubspotDedupeKey, hubspotSignedUri, verifyHubspotSignature } from "./webhook";

const secret = "hubspot-app-secret";
const url = "https://revbridge.example/api/webhooks/hubspot";
const body = JSON.stringify([
  { eventId: 1, subscriptionType: "contact.creation", objectId: 42, occurredAt: 1 },
]);
const now = 1_800_000_000_000;

function sign(uri = url, ts = now, payload = body): string {
  return Signature.getSignature("POST", "v3", {
    clientSecret: secret,
    requestBody: payload,
    url: uri,
    timestamp: ts,
    signature: "",
  });
}

const verify = (over: Partial<Parameters<typeof verifyHubspotSignature>[0]> = {}) =>
  verifyHubspotSignature({
    method: "POST",
    urls: [url],
    rawBody: body,
    signature: sign(),
    timestamp: String(now),
    clientSecret: secret,
    now,
    ...over,
  });

describe("HubSpot v3 webhook signature", () => {
  it("accepts what the official SDK signs and validates", () => {
    expect(() => verify()).not.toThrow();
    // Cross-check with the SDK's own validator (it uses the wall clock, so sign for now).
    const ts = Date.now();
    expect(
      Signature.isValid({
        signatureVersion: "v3",
        clientSecret: secret,
        requestBody: body,
        url,
        timestamp: ts,
        signature: sign(url, ts),
      }),
    ).toBe(true);
  });

  it("refuses a tampered body, another secret, another URL", () => {
    expect(() => verify({ rawBody: body.replace("42", "43") })).toThrow(/does not match/);
    expect(() => verify({ clientSecret: "other" })).toThrow(/does not match/);
    expect(() => verify({ urls: ["https://evil.example/api/webhooks/hubspot"] })).toThrow(/does not match/);
  });

  it("refuses old or future timestamps and missing headers (replays)", () => {
    const old = now - 5 * 60 * 1000 - 1;
    expect(() => verify({ timestamp: String(old), signature: sign(url, old) })).toThrow(/5-minute window/);
    expect(() => verify({ timestamp: "soon" })).toThrow(/5-minute window/);
    expect(() => verify({ signature: null })).toThrow(/Missing/);
  });

  it("accepts any of the candidate URLs (as received, or the public APP_URL)", () => {
    expect(() => verify({ urls: ["http://10.0.0.5:3000/api/webhooks/hubspot", url] })).not.toThrow();
  });

  it("decodes the escapes HubSpot decodes before signing", () => {
    expect(hubspotSignedUri("https://x/a%3Fb%3Ac%2Cd%20e")).toBe("https://x/a?b:c,d%20e");
  });

  it("builds the composite dedupe key (eventId alone is not unique)", () => {
    expect(
      hubspotDedupeKey({
        eventId: 7,
        subscriptionType: "contact.propertyChange",
        objectId: 9,
        occurredAt: 5,
      }),
    ).toBe("7:contact.propertyChange:9:5");
  });
});
