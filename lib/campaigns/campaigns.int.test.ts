import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { startCallbackHarness, type TCallbackHarness } from "@/lib/wechat/callback-harness";
import type { TWechatApiConfig } from "@/lib/wechat/config";
import { startWechatSandbox, WECHAT_SANDBOX_DEFAULTS, type TWechatSandbox } from "@/sandbox/wechat";
import { withFreshDatabase } from "@/test/db";
import { attachQr, campaignQrPng, createCampaign, listCampaigns, sceneFromName } from "./campaigns";

withFreshDatabase();

const account = WECHAT_SANDBOX_DEFAULTS;
let wechat: TWechatSandbox;
let harness: TCallbackHarness;
let actorId: string;
let config: () => TWechatApiConfig;

beforeAll(async () => {
  harness = await startCallbackHarness({
    appId: account.appId,
    token: account.token,
    encodingAesKey: account.encodingAesKey,
  });
  wechat = await startWechatSandbox({ port: 0, callbackUrl: harness.url, mode: "safe", callbackAttempts: 1 });
  config = () => ({ appId: account.appId, appSecret: account.appSecret, apiBase: wechat.url });
  actorId = (await db().user.create({ data: { email: "op@example.test", role: "OPERATOR" } })).id;
});

afterAll(async () => {
  await wechat?.close();
  await harness?.close();
});

describe("campaigns", () => {
  it("derives scenes from names", () => {
    expect(sceneFromName("Open Day 2027!")).toBe("open-day-2027");
    expect(sceneFromName("开放日")).toMatch(/^c-[0-9a-f]{8}$/);
  });

  it("creates a campaign with a WeChat QR code; a scan through it is attributed to the campaign", async () => {
    const { campaign, qrError } = await createCampaign({ name: "Open Day 2027" }, actorId, config);
    expect(qrError).toBeNull();
    expect(campaign).toMatchObject({ scene: "open-day-2027", hasQr: true, followers: 0 });
    const row = await db().campaign.findUniqueOrThrow({ where: { id: campaign.id } });
    expect(row.qrTicket).toBeTruthy();

    const { png, filename } = await campaignQrPng(campaign.id);
    expect(png.subarray(1, 4).toString()).toBe("PNG");
    expect(filename).toBe("campaign-open-day-2027.png");

    const outcome = await wechat.phone.follow("o_campaign_1", { ticket: row.qrTicket! });
    expect(outcome.reply?.problem ?? null).toBeNull();
    const follower = await db().wechatFollower.findUniqueOrThrow({ where: { openid: "o_campaign_1" } });
    expect(follower.campaignId).toBe(campaign.id);
    expect((await listCampaigns())[0]?.followers).toBe(1);
    const audit = await db().auditLog.findMany({
      where: { target: campaign.id },
      orderBy: { createdAt: "asc" },
    });
    expect(audit.map((a) => a.action)).toEqual(["campaign.create", "campaign.qr.create"]);
  });

  it("refuses a duplicate name or scene", async () => {
    await expect(createCampaign({ name: "Open Day 2027" }, actorId, config)).rejects.toMatchObject({
      code: "conflict",
    });
    await expect(
      createCampaign({ name: "Other", scene: "open-day-2027" }, actorId, config),
    ).rejects.toMatchObject({
      code: "conflict",
    });
  });

  it("keeps the campaign when WeChat fails, and creates the QR code on retry", async () => {
    const broken = () => ({ ...config(), appSecret: "wrong-secret-wrong-secret-wrong-00" });
    const { campaign, qrError } = await createCampaign(
      { name: "Article IB", scene: "article-ib" },
      actorId,
      broken,
    );
    expect(campaign.hasQr).toBe(false);
    expect(qrError).toMatch(/40125/);
    expect(await attachQr(campaign.id, actorId, config)).toBeNull();
    expect((await db().campaign.findUniqueOrThrow({ where: { id: campaign.id } })).qrUrl).toBeTruthy();
  });
});
