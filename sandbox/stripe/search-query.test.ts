import { describe, expect, it } from "vitest";
import { StripeApiError } from "./errors";
import { matchesSearchQuery, parseSearchQuery } from "./search-query";
import type { TStripeObject } from "./state";

const FIELDS = ["created", "email", "metadata", "name", "phone"];
const ann: TStripeObject = {
  id: "cus_1",
  object: "customer",
  created: 1000,
  email: "Ann@Example.com",
  name: "Ann Lee",
  phone: null,
  metadata: { hubspot_id: "42" },
};
const bob: TStripeObject = {
  id: "cus_2",
  object: "customer",
  created: 2000,
  email: "bob@example.com",
  name: "Bob",
  phone: null,
  metadata: {},
};

function search(q: string) {
  const parsed = parseSearchQuery(q, FIELDS, "customers");
  return [ann, bob].filter((c) => matchesSearchQuery(c, parsed)).map((c) => c.id);
}

describe("Stripe search query language", () => {
  it("matches exact fields case-insensitively", () => {
    expect(search("email:'ann@example.com'")).toEqual(["cus_1"]);
    expect(search('email:"BOB@example.com"')).toEqual(["cus_2"]);
  });

  it("matches metadata by key", () => {
    expect(search("metadata['hubspot_id']:'42'")).toEqual(["cus_1"]);
    expect(search('metadata["hubspot_id"]:null')).toEqual(["cus_2"]);
  });

  it("matches substrings with ~ and combines with AND / OR", () => {
    expect(search("name~'lee'")).toEqual(["cus_1"]);
    expect(search("name~'lee' AND email:'bob@example.com'")).toEqual([]);
    expect(search("name~'lee' OR email:'bob@example.com'")).toEqual(["cus_1", "cus_2"]);
  });

  it("supports negation and numeric comparisons", () => {
    expect(search("-name:'Bob'")).toEqual(["cus_1"]);
    expect(search("created>1500")).toEqual(["cus_2"]);
    expect(search("created<=1000")).toEqual(["cus_1"]);
  });

  it("rejects what Stripe rejects", () => {
    const bad = [
      "name~'ab'",
      "email:unquoted",
      "name:'a' AND email:'b' OR phone:'c'",
      "address:'x'",
      "metadata:'x'",
      "email:'open",
      "",
    ];
    for (const q of bad) expect(() => parseSearchQuery(q, FIELDS, "customers"), q).toThrow(StripeApiError);
  });
});
