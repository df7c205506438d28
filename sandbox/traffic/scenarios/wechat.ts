/**
 * Followers on the WeChat Official Account: they scan a campaign poster (or find the account), tap the
 * "获取验证码" menu (`GET_CODE`), text a keyword, and now and then unfollow. Every action reaches the
 * app's callback (/api/wechat) from the sandbox phone; a code in the app's reply is kept for later forms.
 */
import { CAMPAIGNS, DIRECT_FOLLOW_WEIGHT } from "../catalog";
import { codeInReply, describeCallback, type TPhoneOutcome } from "../clients/wechat";
import type { THandles } from "../world";
import { action, type TScenario } from "./types";

export const GET_CODE_EVENT_KEY = "GET_CODE";

/** What followers text. Only some are the app's keywords; the rest is ordinary chatter. */
const MESSAGES: readonly { content: string; asksForCode: boolean; weight: number }[] = [
  { content: "验证码", asksForCode: true, weight: 30 },
  { content: "code", asksForCode: true, weight: 25 },
  { content: "CODE", asksForCode: true, weight: 8 },
  { content: "验证码 ", asksForCode: true, weight: 5 },
  { content: "请问验证码是多少？", asksForCode: true, weight: 7 },
  { content: "开放日几点开始？", asksForCode: false, weight: 15 },
  { content: "Is there a bus to the campus?", asksForCode: false, weight: 10 },
];

/** Remembers a code the app handed out, and says how the callback went. */
function noteOutcome(outcome: TPhoneOutcome, handles: THandles): string {
  const code = codeInReply(outcome);
  if (code) handles.issuedCode = code;
  return code ? `${describeCallback(outcome)} with a code` : describeCallback(outcome);
}

const follow: TScenario = {
  name: "wechat.follow",
  weight: 14,
  newcomerShare: 0.85,
  fits: (s) => s.person.usesWechat && !s.wechat.following,
  plan(s, rng) {
    const options = [
      ...CAMPAIGNS.map((c) => ({ scene: c.scene, weight: c.weight })),
      { scene: null, weight: DIRECT_FOLLOW_WEIGHT },
    ];
    const { scene } = rng.pickWeighted(options, (o) => o.weight);
    const again = s.wechat.everFollowed;
    s.wechat = { following: true, everFollowed: true, scene: scene ?? s.wechat.scene, hasCode: true };
    const how = scene ? `scans the ${scene} code` : "finds the account by name";
    return action(follow.name, s, again ? `${how} and follows again` : how, async (ctx) => {
      const ticket = scene ? (ctx.setup.tickets[scene] ?? null) : null;
      return noteOutcome(await ctx.clients.wechat.follow(s.person.openid, ticket), ctx.handles);
    });
  },
};

const getCode: TScenario = {
  name: "wechat.get-code",
  weight: 9,
  newcomerShare: 0,
  fits: (s) => s.wechat.following,
  plan(s) {
    s.wechat.hasCode = true;
    return action(getCode.name, s, `taps the menu (${GET_CODE_EVENT_KEY})`, async (ctx) =>
      noteOutcome(await ctx.clients.wechat.click(s.person.openid, GET_CODE_EVENT_KEY), ctx.handles),
    );
  },
};

const keyword: TScenario = {
  name: "wechat.message",
  weight: 6,
  newcomerShare: 0,
  fits: (s) => s.wechat.following,
  plan(s, rng) {
    const m = rng.pickWeighted(MESSAGES, (x) => x.weight);
    if (m.asksForCode) s.wechat.hasCode = true;
    return action(keyword.name, s, `texts ${JSON.stringify(m.content)}`, async (ctx) =>
      noteOutcome(await ctx.clients.wechat.sendText(s.person.openid, m.content), ctx.handles),
    );
  },
};

const unfollow: TScenario = {
  name: "wechat.unfollow",
  weight: 2,
  newcomerShare: 0,
  fits: (s) => s.wechat.following,
  plan(s) {
    s.wechat.following = false;
    return action(unfollow.name, s, "unfollows", async (ctx) =>
      describeCallback(await ctx.clients.wechat.unfollow(s.person.openid)),
    );
  },
};

export const WECHAT_SCENARIOS: readonly TScenario[] = [follow, getCode, keyword, unfollow];
