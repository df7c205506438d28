import { describe, expect, it } from "vitest";
import { parseWechatXml, renderWechatXml } from "./xml";

describe("WeChat XML", () => {
  it("renders strings in CDATA and numbers bare, as WeChat's callbacks", () => {
    expect(
      renderWechatXml([
        ["ToUserName", "gh_1"],
        ["CreateTime", 1348831860],
        ["Content", "你好 <b>"],
      ]),
    ).toBe(
      "<xml><ToUserName><![CDATA[gh_1]]></ToUserName><CreateTime>1348831860</CreateTime><Content><![CDATA[你好 <b>]]></Content></xml>",
    );
  });

  it("round-trips text containing the CDATA terminator", () => {
    const xml = renderWechatXml([["Content", "a]]>b"]]);
    expect(parseWechatXml(xml)).toEqual({ Content: "a]]>b" });
  });

  it("parses WeChat's published sample message, keeping numeric-looking ids as strings", () => {
    const sample =
      "<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[fromUser]]></FromUserName><CreateTime>1348831860</CreateTime>" +
      "<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[this is a test]]></Content><MsgId>1234567890123456</MsgId></xml>";
    expect(parseWechatXml(sample)).toEqual({
      ToUserName: "toUser",
      FromUserName: "fromUser",
      CreateTime: "1348831860",
      MsgType: "text",
      Content: "this is a test",
      MsgId: "1234567890123456",
    });
  });

  it("returns null for anything that is not an <xml> document", () => {
    expect(parseWechatXml("success")).toBeNull();
    expect(parseWechatXml("<root><a>1</a></root>")).toBeNull();
  });
});
