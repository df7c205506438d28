import { describe, expect, it } from "vitest";
import {
  classifyMessage,
  dedupeKeyFor,
  DEFAULT_CONVERSATION_SETTINGS as S,
  detectLanguage,
  matchesKeyword,
  renderReply,
  sceneFromSubscribeKey,
  ZConversationSettings,
} from "./conversation";

const event = (Event: string, EventKey = "") => ({ MsgType: "event", Event, EventKey, FromUserName: "o_1" });
const text = (Content: string) => ({ MsgType: "text", Content, FromUserName: "o_1", MsgId: "77" });

describe("classifyMessage", () => {
  it("CLICK with a configured key asks for the code; other keys are ignored", () => {
    expect(classifyMessage(event("CLICK", "GET_CODE"), S).kind).toBe("code");
    expect(classifyMessage(event("CLICK", "ABOUT"), S).kind).toBe("ignore");
    expect(classifyMessage(event("CLICK", "MY_KEY"), { ...S, clickEventKeys: ["MY_KEY"] }).kind).toBe("code");
  });

  it("keywords: CJK anywhere, Latin as whole words, case-insensitive", () => {
    for (const yes of ["code", "CODE", "验证码 ", "请问验证码是多少？", "my code?", "我的码"])
      expect(matchesKeyword(yes, S.keywords), yes).toBe(true);
    for (const no of ["开放日几点开始？", "Is there a bus to the campus?", "postcode", "barcode", ""])
      expect(matchesKeyword(no, S.keywords), no).toBe(false);
    expect(classifyMessage(text("code"), S)).toEqual({
      kind: "code",
      subscribe: false,
      scene: null,
      language: "en",
    });
    expect(classifyMessage(text("验证码"), S)).toMatchObject({ kind: "code", language: "zh" });
    expect(classifyMessage(text("hello"), S).kind).toBe("ignore");
  });

  it("subscribe (with and without a QR scene), SCAN, unsubscribe and the rest", () => {
    expect(classifyMessage(event("subscribe", "qrscene_open-day"), S)).toEqual({
      kind: "code",
      subscribe: true,
      scene: "open-day",
      language: null,
    });
    expect(classifyMessage(event("subscribe"), S)).toMatchObject({
      kind: "code",
      subscribe: true,
      scene: null,
    });
    expect(classifyMessage(event("subscribe", "qrscene_x"), { ...S, replyOnSubscribe: false })).toEqual({
      kind: "follow",
      scene: "x",
    });
    expect(classifyMessage(event("SCAN", "open-day"), S)).toMatchObject({ kind: "code", subscribe: false });
    expect(classifyMessage(event("unsubscribe"), S)).toEqual({ kind: "unfollow" });
    expect(classifyMessage(event("LOCATION"), S).kind).toBe("ignore");
    expect(classifyMessage({ MsgType: "image" }, S).kind).toBe("ignore");
  });

  it("reads scenes and languages", () => {
    expect(sceneFromSubscribeKey("qrscene_123")).toBe("123");
    expect(sceneFromSubscribeKey("qrscene_")).toBeNull();
    expect(sceneFromSubscribeKey("")).toBeNull();
    expect(detectLanguage("你好")).toBe("zh");
    expect(detectLanguage("hello")).toBe("en");
    expect(detectLanguage("123")).toBeNull();
  });
});

describe("dedupeKeyFor", () => {
  it("uses MsgId for messages and FromUserName + CreateTime + Event for events", () => {
    expect(dedupeKeyFor(text("code"))).toBe("msg:77");
    expect(dedupeKeyFor({ ...event("CLICK", "GET_CODE"), CreateTime: "1700000000" })).toBe(
      "evt:o_1:1700000000:CLICK",
    );
    expect(dedupeKeyFor({ MsgType: "event", Event: "CLICK" })).toBeNull();
  });
});

describe("templates", () => {
  it("renders the code into the chosen language", () => {
    expect(renderReply(S, "zh", "ABCD-EFGH")).toContain("ABCD-EFGH");
    expect(renderReply(S, "en", "ABCD-EFGH")).toMatch(/^Your personal code: ABCD-EFGH/);
  });

  it("validates edits: {code} is required, lists are bounded", () => {
    expect(ZConversationSettings.safeParse(S).success).toBe(true);
    const missing = ZConversationSettings.safeParse({
      ...S,
      templates: { ...S.templates, en: "no code here" },
    });
    expect(missing.success).toBe(false);
    expect(JSON.stringify(missing.error?.issues)).toContain("{code}");
    expect(ZConversationSettings.safeParse({ ...S, keywords: [""] }).success).toBe(false);
  });
});
