import { describe, expect, it } from "vitest";
import { decryptMessage, sealMessage } from "@/lib/connectors/wechat/crypto";
import { computeUrlSignature, verifyMsgSignature } from "@/lib/connectors/wechat/signature";
import { buildCallbackRequest, readReply } from "./phone";
import { createWechatState, type TWechatAccount } from "./state";
import { parseWechatXml, renderWechatXml } from "./xml";

const account: TWechatAccount = {
  appId: "wxsandbox000001",
  appSecret: "s".repeat(32),
  originalId: "gh_sandbox",
  token: "tok",
  encodingAesKey: "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
  callbackUrl: "http://127.0.0.1:1/api/wechat",
  mode: "safe",
};
const plain = renderWechatXml([
  ["ToUserName", "gh_sandbox"],
  ["FromUserName", "o_1"],
  ["CreateTime", 1],
  ["MsgType", "text"],
  ["Content", "hi"],
  ["MsgId", "42"],
]);
const reply = renderWechatXml([
  ["ToUserName", "o_1"],
  ["FromUserName", "gh_sandbox"],
  ["CreateTime", 2],
  ["MsgType", "text"],
  ["Content", "你的代码: AB12-C"],
]);

function envelope(xml: string, token = account.token) {
  const sealed = sealMessage({ ...account, token }, xml, "1700000000", "99");
  return `<xml><Encrypt><![CDATA[${sealed.encrypt}]]></Encrypt><MsgSignature><![CDATA[${sealed.msgSignature}]]></MsgSignature><TimeStamp>1700000000</TimeStamp><Nonce><![CDATA[99]]></Nonce></xml>`;
}

describe("callback requests", () => {
  it("signs and encrypts in safe mode exactly as WeChat does", () => {
    const state = createWechatState(account);
    const { query, body } = buildCallbackRequest(state, "o_1", plain);
    const [timestamp, nonce] = [query.get("timestamp")!, query.get("nonce")!];
    expect(query.get("signature")).toBe(computeUrlSignature("tok", timestamp, nonce));
    expect(query.get("openid")).toBe("o_1");
    expect(query.get("encrypt_type")).toBe("aes");
    const fields = parseWechatXml(body)!;
    expect(Object.keys(fields)).toEqual(["ToUserName", "Encrypt"]);
    expect(
      verifyMsgSignature({
        token: "tok",
        timestamp,
        nonce,
        encrypt: fields.Encrypt!,
        msgSignature: query.get("msg_signature")!,
      }),
    ).toBe(true);
    expect(
      decryptMessage({
        encodingAesKey: account.encodingAesKey,
        appId: account.appId,
        encrypted: fields.Encrypt!,
      }),
    ).toBe(plain);
  });

  it("sends plaintext plus Encrypt in compatible mode and plaintext alone in plain mode", () => {
    const compatible = buildCallbackRequest(
      createWechatState({ ...account, mode: "compatible" }),
      "o_1",
      plain,
    );
    expect(parseWechatXml(compatible.body)).toMatchObject({ Content: "hi", MsgId: "42" });
    expect(parseWechatXml(compatible.body)!.Encrypt).toBeDefined();
    const plainMode = buildCallbackRequest(createWechatState({ ...account, mode: "plain" }), "o_1", plain);
    expect(plainMode.body).toBe(plain);
    expect(plainMode.query.has("msg_signature")).toBe(false);
  });
});

describe("passive replies", () => {
  const state = createWechatState(account);

  it("opens an encrypted reply and checks who it is addressed to", () => {
    expect(readReply(state, "o_1", envelope(reply))).toMatchObject({
      problem: null,
      encrypted: true,
      message: { MsgType: "text", Content: "你的代码: AB12-C" },
    });
    expect(readReply(state, "o_2", envelope(reply)).problem).toBe("ToUserName is not the follower");
  });

  it("treats empty and 'success' as no reply", () => {
    expect(readReply(state, "o_1", "")).toEqual({ message: null, problem: null, encrypted: false });
    expect(readReply(state, "o_1", "success")).toEqual({ message: null, problem: null, encrypted: false });
  });

  it("rejects a wrongly signed reply, a plaintext reply in safe mode and non-XML", () => {
    expect(readReply(state, "o_1", envelope(reply, "other-token")).problem).toBe(
      "encrypted reply rejected: signature_mismatch",
    );
    expect(readReply(state, "o_1", reply).problem).toBe("plaintext reply in safe mode");
    expect(readReply(state, "o_1", "<html>oops</html>").problem).toBe("reply is not XML");
  });
});
