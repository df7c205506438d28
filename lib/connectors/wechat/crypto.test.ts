import { describe, expect, it } from "vitest";
import {
  WechatCryptoError,
  decodeEncodingAesKey,
  decryptMessage,
  encryptMessage,
  openSealedMessage,
  sealMessage,
} from "./crypto";
import { createCipheriv } from "node:crypto";

/*
 * Published test vectors from Tencent's official WXBizMsgCrypt sample code for Official Accounts
 * (download linked from https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Message_encryption_and_decryption_instructions.html):
 * - Python `Sample.py` (© 1998-2014 Tencent): token "spamtest", AppID "wx2c2769f8efd9abc2", the
 *   encrypted text message below with msg_signature 5d197aaf…, timestamp 1409735669, nonce 1320562132.
 * - Java `WXBizMsgCryptTest.java`: AppID "wxb11529c136998cb6", random prefix "aaaabbbbccccdddd",
 *   reply "我是中文abcd123" → ciphertext "jn1L23DB…"; both use EncodingAESKey "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG".
 * Seen as mirrored in public copies of the samples (e.g. GitHub Wyl015/wuyiling `WXBizMsgCryptTest.java`).
 */
const SAMPLE_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
const PY = {
  token: "spamtest",
  appId: "wx2c2769f8efd9abc2",
  timestamp: "1409735669",
  nonce: "1320562132",
  msgSignature: "5d197aaffba7e9b25a30732f161a50dee96bd5fa",
  encrypt:
    "hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=",
};
const JAVA = {
  appId: "wxb11529c136998cb6",
  random: Buffer.from("aaaabbbbccccdddd"),
  reply: "我是中文abcd123",
  ciphertext: "jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg==",
};

/** Encrypts raw bytes with the sample key and no padding logic, to forge malformed plaintexts. */
function encryptRaw(plain: Buffer): string {
  const key = decodeEncodingAesKey(SAMPLE_KEY);
  const cipher = createCipheriv("aes-256-cbc", key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(plain), cipher.final()]).toString("base64");
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof WechatCryptoError) return e.code;
    throw e;
  }
  return undefined;
}

describe("WeChat message crypto", () => {
  it("decrypts Tencent's published sample message", () => {
    const xml = decryptMessage({ encodingAesKey: SAMPLE_KEY, appId: PY.appId, encrypted: PY.encrypt });
    expect(xml).toContain("<FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName>");
    expect(xml).toContain("<Content><![CDATA[abcdteT]]></Content>");
    expect(xml).toContain("<MsgId>6054768590064713728</MsgId>");
  });

  it("verifies the sample msg_signature and opens the sealed sample", () => {
    const config = { token: PY.token, encodingAesKey: SAMPLE_KEY, appId: PY.appId };
    const xml = openSealedMessage(config, {
      encrypt: PY.encrypt,
      msgSignature: PY.msgSignature,
      timestamp: PY.timestamp,
      nonce: PY.nonce,
    });
    expect(xml).toMatch(/^<xml><ToUserName><!\[CDATA\[gh_10f6c3c3ac5a\]\]><\/ToUserName>/);
  });

  it("reproduces the published ciphertext for a fixed random prefix (UTF-8 length counted in bytes)", () => {
    const encrypted = encryptMessage({
      encodingAesKey: SAMPLE_KEY,
      appId: JAVA.appId,
      message: JAVA.reply,
      randomPrefix: JAVA.random,
    });
    expect(encrypted).toBe(JAVA.ciphertext);
    expect(decryptMessage({ encodingAesKey: SAMPLE_KEY, appId: JAVA.appId, encrypted })).toBe(JAVA.reply);
  });

  it("round-trips messages of every length around the 32-byte block boundary", () => {
    for (let n = 0; n <= 70; n++) {
      const message = "x".repeat(n);
      const encrypted = encryptMessage({ encodingAesKey: SAMPLE_KEY, appId: PY.appId, message });
      expect(Buffer.from(encrypted, "base64").length % 32).toBe(0);
      expect(decryptMessage({ encodingAesKey: SAMPLE_KEY, appId: PY.appId, encrypted })).toBe(message);
    }
  });

  it("uses a fresh random prefix each time", () => {
    const a = encryptMessage({ encodingAesKey: SAMPLE_KEY, appId: PY.appId, message: "same" });
    const b = encryptMessage({ encodingAesKey: SAMPLE_KEY, appId: PY.appId, message: "same" });
    expect(a).not.toBe(b);
  });

  it("rejects a ciphertext addressed to another AppID", () => {
    expect(
      codeOf(() =>
        decryptMessage({ encodingAesKey: SAMPLE_KEY, appId: "wx0000000000000000", encrypted: PY.encrypt }),
      ),
    ).toBe("appid_mismatch");
  });

  it("rejects a tampered ciphertext", () => {
    const bytes = Buffer.from(PY.encrypt, "base64");
    // Flipping a bit in the last block garbles the whole last plaintext block: padding and AppID.
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 0x01;
    const code = codeOf(() =>
      decryptMessage({ encodingAesKey: SAMPLE_KEY, appId: PY.appId, encrypted: bytes.toString("base64") }),
    );
    expect(["illegal_buffer", "appid_mismatch"]).toContain(code);
    // Flipping a bit in the second-to-last block flips the same bit of the AppID's last byte.
    const flipped = Buffer.from(PY.encrypt, "base64");
    const appIdLastByte = flipped.length - 16 - 2 - 1; // 2 pad bytes in this sample, then the IV-block offset
    flipped[appIdLastByte] = flipped[appIdLastByte]! ^ 0x01;
    expect(
      codeOf(() =>
        decryptMessage({
          encodingAesKey: SAMPLE_KEY,
          appId: PY.appId,
          encrypted: flipped.toString("base64"),
        }),
      ),
    ).toBe("appid_mismatch");
    // A ciphertext cut mid-block cannot even be decrypted.
    const truncated = bytes.subarray(0, bytes.length - 8).toString("base64");
    expect(
      codeOf(() => decryptMessage({ encodingAesKey: SAMPLE_KEY, appId: PY.appId, encrypted: truncated })),
    ).toBe("decrypt_failed");
  });

  it("rejects a tampered payload through its msg_signature before decrypting", () => {
    const config = { token: PY.token, encodingAesKey: SAMPLE_KEY, appId: PY.appId };
    const tampered = `A${PY.encrypt.slice(1)}`;
    expect(
      codeOf(() =>
        openSealedMessage(config, {
          encrypt: tampered,
          msgSignature: PY.msgSignature,
          timestamp: PY.timestamp,
          nonce: PY.nonce,
        }),
      ),
    ).toBe("signature_mismatch");
  });

  it("rejects bad PKCS#7 padding", () => {
    const body = Buffer.from("hello");
    const plain = Buffer.concat([
      Buffer.alloc(16, 1),
      Buffer.from([0, 0, 0, body.length]),
      body,
      Buffer.from(PY.appId),
    ]);
    const padTo = 32 - (plain.length % 32);
    const zeroPad = Buffer.concat([plain, Buffer.alloc(padTo, 0)]);
    expect(
      codeOf(() =>
        decryptMessage({ encodingAesKey: SAMPLE_KEY, appId: PY.appId, encrypted: encryptRaw(zeroPad) }),
      ),
    ).toBe("illegal_buffer");
    const mixedPad = Buffer.concat([plain, Buffer.alloc(padTo - 1, padTo), Buffer.from([padTo - 1 || 1])]);
    expect(
      codeOf(() =>
        decryptMessage({ encodingAesKey: SAMPLE_KEY, appId: PY.appId, encrypted: encryptRaw(mixedPad) }),
      ),
    ).toBe("illegal_buffer");
    const tooLong = Buffer.alloc(64, 33);
    expect(
      codeOf(() =>
        decryptMessage({ encodingAesKey: SAMPLE_KEY, appId: PY.appId, encrypted: encryptRaw(tooLong) }),
      ),
    ).toBe("illegal_buffer");
  });

  it("rejects a length field that runs past the plaintext", () => {
    const plain = Buffer.concat([Buffer.alloc(16, 1), Buffer.from([0, 0, 1, 0]), Buffer.from("short")]);
    const padTo = 32 - (plain.length % 32);
    const padded = Buffer.concat([plain, Buffer.alloc(padTo, padTo)]);
    expect(
      codeOf(() =>
        decryptMessage({ encodingAesKey: SAMPLE_KEY, appId: PY.appId, encrypted: encryptRaw(padded) }),
      ),
    ).toBe("illegal_buffer");
  });

  it("rejects malformed EncodingAESKeys and non-base64 ciphertext", () => {
    expect(codeOf(() => decodeEncodingAesKey("short"))).toBe("illegal_aes_key");
    expect(codeOf(() => decodeEncodingAesKey(`${SAMPLE_KEY.slice(0, 42)}+`))).toBe("illegal_aes_key");
    expect(
      codeOf(() => decryptMessage({ encodingAesKey: SAMPLE_KEY, appId: PY.appId, encrypted: "not base64!" })),
    ).toBe("decrypt_failed");
  });

  it("seals a reply that opens with the same configuration", () => {
    const config = { token: "tok", encodingAesKey: SAMPLE_KEY, appId: "wxappid" };
    const sealed = sealMessage(config, "<xml><Content><![CDATA[你好]]></Content></xml>", "1700000000", "42");
    expect(sealed.msgSignature).toMatch(/^[0-9a-f]{40}$/);
    expect(openSealedMessage(config, sealed)).toBe("<xml><Content><![CDATA[你好]]></Content></xml>");
    expect(codeOf(() => openSealedMessage({ ...config, token: "other" }, sealed))).toBe("signature_mismatch");
  });
});
