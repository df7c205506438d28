import { describe, expect, it } from "vitest";
import {
  computeMsgSignature,
  computeUrlSignature,
  equalsConstantTime,
  verifyMsgSignature,
  verifyUrlSignature,
} from "./signature";

// Values from Tencent's official WXBizMsgCrypt Python sample (Sample.py); see crypto.test.ts for the source.
const SAMPLE = {
  token: "spamtest",
  timestamp: "1409735669",
  nonce: "1320562132",
  encrypt:
    "hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=",
  msgSignature: "5d197aaffba7e9b25a30732f161a50dee96bd5fa",
};

describe("WeChat signatures", () => {
  it("computes the published msg_signature", () => {
    expect(computeMsgSignature(SAMPLE.token, SAMPLE.timestamp, SAMPLE.nonce, SAMPLE.encrypt)).toBe(
      SAMPLE.msgSignature,
    );
    expect(verifyMsgSignature(SAMPLE)).toBe(true);
  });

  it("computes the URL signature as sha1 of the sorted three parameters", () => {
    // Sorted: ["1320562132", "1409735669", "spamtest"] → sha1("13205621321409735669spamtest").
    expect(computeUrlSignature(SAMPLE.token, SAMPLE.timestamp, SAMPLE.nonce)).toBe(
      "16120ec1b8dbb870f510d87ce6bc2463eae6ca1a",
    );
    expect(computeUrlSignature(SAMPLE.token, SAMPLE.nonce, SAMPLE.timestamp)).toBe(
      "16120ec1b8dbb870f510d87ce6bc2463eae6ca1a",
    );
    expect(
      verifyUrlSignature({
        token: SAMPLE.token,
        timestamp: SAMPLE.timestamp,
        nonce: SAMPLE.nonce,
        signature: "16120ec1b8dbb870f510d87ce6bc2463eae6ca1a",
      }),
    ).toBe(true);
  });

  it("rejects wrong tokens, changed parameters and malformed signatures", () => {
    expect(verifyMsgSignature({ ...SAMPLE, token: "other" })).toBe(false);
    expect(verifyMsgSignature({ ...SAMPLE, nonce: "1320562133" })).toBe(false);
    expect(verifyMsgSignature({ ...SAMPLE, encrypt: `${SAMPLE.encrypt}x` })).toBe(false);
    expect(verifyMsgSignature({ ...SAMPLE, msgSignature: SAMPLE.msgSignature.slice(1) })).toBe(false);
    expect(
      verifyUrlSignature({
        token: SAMPLE.token,
        timestamp: SAMPLE.timestamp,
        nonce: SAMPLE.nonce,
        signature: "",
      }),
    ).toBe(false);
  });

  it("compares in constant time without throwing on different lengths", () => {
    expect(equalsConstantTime("abc", "abc")).toBe(true);
    expect(equalsConstantTime("abc", "abd")).toBe(false);
    expect(equalsConstantTime("abc", "abcd")).toBe(false);
  });
});
