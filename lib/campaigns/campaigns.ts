import "server-only";
import { randomBytes } from "node:crypto";
import QRCode from "qrcode";
import { z } from "zod";
import { recordAudit } from "@/lib/audit";
import { isProviderError } from "@/lib/connectors/errors";
import { db, Prisma } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/logger";
import { createSceneQrCode } from "@/lib/wechat/api";
import { wechatApiConfig, type TWechatApiConfig } from "@/lib/wechat/config";
import type { TCampaignRow } from "./types";

/**
 * Campaigns: a name, a QR scene, and WeChat's permanent parametric QR code for that scene. A follow
 * through the code arrives as `subscribe` with `EventKey qrscene_<scene>`, and the callback attributes the
 * follower to the campaign (first touch). The campaign row is saved first and the QR code attached after,
 * so a WeChat outage leaves a campaign without a code that "Create QR code" retries — never a QR code at
 * WeChat that nobody knows about.
 */

const SCENE = /^[A-Za-z0-9_-]{1,64}$/;

export const ZCampaignInput = z.object({
  name: z.string().trim().min(1, "is required").max(80, "must be at most 80 characters"),
  scene: z
    .string()
    .trim()
    .regex(SCENE, "must be 1–64 letters, digits, - or _ (WeChat's scene_str)")
    .optional()
    .or(z.literal("").transform(() => undefined)),
});
export type TCampaignInput = z.infer<typeof ZCampaignInput>;

/** A scene from the name (`Open Day 2027` → `open-day-2027`); non-Latin names get a random one. */
export function sceneFromName(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 48);
  return slug || `c-${randomBytes(4).toString("hex")}`;
}

export type { TCampaignRow };

export async function listCampaigns(): Promise<TCampaignRow[]> {
  return listCampaignsWhere({});
}

export type TCreateResult = { campaign: TCampaignRow; qrError: string | null };

export async function createCampaign(
  input: TCampaignInput,
  actorId: string,
  config: () => TWechatApiConfig = wechatApiConfig,
): Promise<TCreateResult> {
  const scene = input.scene ?? sceneFromName(input.name);
  let id: string;
  try {
    id = await db().$transaction(async (tx) => {
      const created = await tx.campaign.create({ data: { name: input.name, scene, createdById: actorId } });
      await recordAudit(
        { actorId, action: "campaign.create", target: created.id, details: { name: input.name, scene } },
        tx,
      );
      return created.id;
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
      throw new AppError("conflict", "A campaign with this name or scene already exists.", {
        name: "must be unique",
        scene: "must be unique",
      });
    }
    throw error;
  }
  const qrError = await attachQr(id, actorId, config);
  return { campaign: await getCampaign(id), qrError };
}

/** Creates the campaign's QR code at WeChat (again); returns a readable error instead of throwing. */
export async function attachQr(
  id: string,
  actorId: string,
  config: () => TWechatApiConfig = wechatApiConfig,
): Promise<string | null> {
  const campaign = await db().campaign.findUnique({ where: { id } });
  if (!campaign) throw new AppError("not_found", "No such campaign.");
  if (campaign.qrTicket && campaign.qrUrl) return null;
  try {
    const qr = await createSceneQrCode(config(), campaign.scene);
    await db().$transaction(async (tx) => {
      await tx.campaign.update({ where: { id }, data: { qrTicket: qr.ticket, qrUrl: qr.url } });
      await recordAudit(
        { actorId, action: "campaign.qr.create", target: id, details: { scene: campaign.scene } },
        tx,
      );
    });
    return null;
  } catch (error) {
    if (error instanceof AppError || isProviderError(error)) {
      log.warn("campaign.qr.failed", { campaignId: id, message: error.message });
      return `The QR code could not be created at WeChat: ${error.message}`;
    }
    throw error;
  }
}

export async function getCampaign(id: string): Promise<TCampaignRow> {
  const row = (await listCampaignsWhere({ id }))[0];
  if (!row) throw new AppError("not_found", "No such campaign.");
  return row;
}

async function listCampaignsWhere(where: Prisma.CampaignWhereInput): Promise<TCampaignRow[]> {
  const rows = await db().campaign.findMany({
    where,
    orderBy: { createdAt: "desc" },
    include: { _count: { select: { followers: true } } },
  });
  return rows.map((c) => ({
    id: c.id,
    name: c.name,
    scene: c.scene,
    qrUrl: c.qrUrl,
    hasQr: Boolean(c.qrTicket && c.qrUrl),
    followers: c._count.followers,
    createdAt: c.createdAt.toISOString(),
  }));
}

/** The campaign's QR code as a PNG, rendered from the `url` WeChat returned (what its own image encodes). */
export async function campaignQrPng(id: string): Promise<{ png: Buffer; filename: string }> {
  const campaign = await db().campaign.findUnique({ where: { id } });
  if (!campaign) throw new AppError("not_found", "No such campaign.");
  if (!campaign.qrUrl) throw new AppError("not_found", "This campaign has no QR code yet.");
  const png = await QRCode.toBuffer(campaign.qrUrl, {
    type: "png",
    margin: 2,
    width: 600,
    errorCorrectionLevel: "M",
  });
  return { png, filename: `campaign-${campaign.scene}.png` };
}
