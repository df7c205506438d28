import { describe, expect, it } from "vitest";
import { FormBodyError, asArray, canonicalizeForm, parseFormBody } from "./form-body";

describe("Stripe form bodies", () => {
  it("parses the bracketed keys the SDK sends", () => {
    const body =
      "email=a%40b.co&metadata[hubspot_id]=42&expand[0]=customer&expand[1]=invoice" +
      "&line_items[0][price_data][currency]=usd&line_items[0][quantity]=2&line_items[1][price]=price_1";
    expect(parseFormBody(body)).toEqual({
      email: "a@b.co",
      metadata: { hubspot_id: "42" },
      expand: { 0: "customer", 1: "invoice" },
      line_items: { 0: { price_data: { currency: "usd" }, quantity: "2" }, 1: { price: "price_1" } },
    });
  });

  it("accepts curl-style [] arrays and percent-encoded brackets", () => {
    expect(parseFormBody("expand[]=a&expand[]=b")).toEqual({ expand: ["a", "b"] });
    expect(parseFormBody("metadata%5Bk%5D=v+w")).toEqual({ metadata: { k: "v w" } });
  });

  it("keeps empty strings (Stripe's way to unset a field)", () => {
    expect(parseFormBody("metadata=&description=")).toEqual({ metadata: "", description: "" });
  });

  it("treats index-keyed objects and arrays alike as lists, in index order", () => {
    expect(asArray({ 1: "b", 0: "a", 10: "c" })).toEqual(["a", "b", "c"]);
    expect(asArray(["x"])).toEqual(["x"]);
    expect(asArray({ k: "v" })).toBeUndefined();
  });

  it("rejects a key used both as a value and as a hash", () => {
    expect(() => parseFormBody("metadata=x&metadata[k]=v")).toThrow(FormBodyError);
    expect(() => parseFormBody("metadata[k]=v&metadata=x")).toThrow(FormBodyError);
  });

  it("canonicalises independently of key order", () => {
    const a = parseFormBody("a=1&m[x]=1&m[y]=2");
    const b = parseFormBody("m[y]=2&a=1&m[x]=1");
    expect(canonicalizeForm(a)).toBe(canonicalizeForm(b));
    expect(canonicalizeForm(a)).not.toBe(canonicalizeForm(parseFormBody("a=1&m[x]=1&m[y]=3")));
  });
});
