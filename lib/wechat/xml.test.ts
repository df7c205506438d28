import { describe, expect, it } from "vitest";
import { buildEncryptedReply, buildTextReply, parseWechatXml } from "./xml";

describe("parseWechatXml", () => {
  it("reads WeChat's documented CLICK event (CDATA text, bare numbers)", () => {
    const xml =
      "<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[FromUser]]></FromUserName>" +
      "<CreateTime>123456789</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[CLICK]]></Event>" +
      "<EventKey><![CDATA[EVENTKEY]]></EventKey></xml>";
    expect(parseWechatXml(xml)).toEqual({
      ToUserName: "toUser",
      FromUserName: "FromUser",
      CreateTime: "123456789",
      MsgType: "event",
      Event: "CLICK",
      EventKey: "EVENTKEY",
    });
  });

  it("keeps text verbatim: whitespace, Chinese, markup inside CDATA, MsgId as a string", () => {
    const xml =
      "<xml><Content><![CDATA[ 验证码 <b>&amp; ]]></Content><MsgId>1234567890123456789</MsgId></xml>";
    expect(parseWechatXml(xml)).toEqual({ Content: " 验证码 <b>&amp; ", MsgId: "1234567890123456789" });
  });

  it("refuses malformed input, non-<xml> roots and DOCTYPE declarations", () => {
    for (const bad of [
      "",
      "<xml><A>",
      "<xml><A></B></xml>",
      "plain text",
      "<root><A>1</A></root>",
      '<!DOCTYPE xml [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml><A>&e;</A></xml>',
    ]) {
      expect(parseWechatXml(bad), bad).toBeNull();
    }
  });
});

describe("reply builders", () => {
  it("builds a text reply that parses back, with ]]> split safely", () => {
    const xml = buildTextReply({ toUser: "o_1", fromUser: "gh_1", createTime: 42, content: "code: A]]>B" });
    expect(parseWechatXml(xml)).toEqual({
      ToUserName: "o_1",
      FromUserName: "gh_1",
      CreateTime: "42",
      MsgType: "text",
      Content: "code: A]]>B",
    });
  });

  it("builds the encrypted envelope", () => {
    const xml = buildEncryptedReply({ encrypt: "abc=", msgSignature: "sig", timestamp: "1", nonce: "n" });
    expect(parseWechatXml(xml)).toEqual({ Encrypt: "abc=", MsgSignature: "sig", TimeStamp: "1", Nonce: "n" });
  });
});
