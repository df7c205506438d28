/**
 * Typing the WeChat code into a form: the code the app issued to this follower when it was seen (in a
 * passive reply or a customer-service message), else the seed's look-alike, typed as planned.
 */
import type { TPerson } from "../cast";
import { applyCodeVariant, createSyntheticCode, isTypo, type TCodeVariant } from "../codes";
import type { TActionContext } from "./types";

export interface TTypedCode {
  typed: string;
  /** For the action log: where the code came from and how it was typed, never the code itself. */
  note: string;
}

export async function typeCode(
  ctx: TActionContext,
  person: TPerson,
  variant: TCodeVariant,
): Promise<TTypedCode> {
  if (!ctx.handles.issuedCode && person.usesWechat) {
    const sent = await ctx.clients.wechat.findSentCode(person.openid);
    if (sent) ctx.handles.issuedCode = sent;
  }
  const issued = ctx.handles.issuedCode;
  const code = issued ?? createSyntheticCode(ctx.world.seed, person.index);
  const source = issued ? "issued" : "look-alike";
  const how =
    variant.kind === "exact" ? "" : isTypo(variant) ? `, typo: ${variant.kind}` : `, ${variant.kind}`;
  return { typed: applyCodeVariant(code, variant), note: `${source} code${how}` };
}

/** How the planned variant reads in a summary (`with code (transposed typo)`). */
export function describeVariant(variant: TCodeVariant): string {
  if (variant.kind === "exact") return "with the code";
  return isTypo(variant) ? `with the code (${variant.kind} typo)` : `with the code (${variant.kind})`;
}
