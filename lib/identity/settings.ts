import "server-only";
import { z } from "zod";
import { recordAudit } from "@/lib/audit";
import type { TStaff } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { readSetting, writeSetting } from "@/lib/settings/app-settings";

/**
 * Where codes are typed and where OpenIDs are written back, per system, and when the nightly
 * reconciliation runs. Stored in AppSetting `identity.matching` (console-editable; defaults below).
 */
const ZPropertyName = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[a-z0-9_]+$/i, "letters, digits and _ only");

const ZIdentitySettingsShape = z.object({
  hubspotCodeProperty: ZPropertyName.default("wechat_code"),
  hubspotOpenidProperty: ZPropertyName.default("wechat_openid"),
  openapplyCodeField: ZPropertyName.default("wechat_code"),
  openapplyOpenidField: ZPropertyName.default("wechat_openid"),
  /** IANA zone whose 02:00 starts the nightly reconciliation. */
  reconcileTimeZone: z
    .string()
    .default("Asia/Shanghai")
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat("en", { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, "must be an IANA time zone such as Asia/Shanghai"),
  /** Local hour (0–23) of the nightly reconciliation. */
  reconcileHour: z.number().int().min(0).max(23).default(2),
});

/** Where a code is typed and where the OpenID is written must be different properties/fields. */
function distinctTargets(s: z.infer<typeof ZIdentitySettingsShape>, ctx: z.RefinementCtx): void {
  if (s.hubspotCodeProperty.toLowerCase() === s.hubspotOpenidProperty.toLowerCase()) {
    ctx.addIssue({
      code: "custom",
      path: ["hubspotOpenidProperty"],
      message: "must differ from the code property (the OpenID would overwrite the typed code)",
    });
  }
  if (s.openapplyCodeField.toLowerCase() === s.openapplyOpenidField.toLowerCase()) {
    ctx.addIssue({
      code: "custom",
      path: ["openapplyOpenidField"],
      message: "must differ from the code field (the OpenID would overwrite the typed code)",
    });
  }
}

export const ZIdentitySettings = ZIdentitySettingsShape.superRefine(distinctTargets);
/** What the console sends: every field, nothing else (an unknown key is a typo, not ignored). */
export const ZIdentitySettingsInput = ZIdentitySettingsShape.required().strict().superRefine(distinctTargets);
export type TIdentitySettings = z.infer<typeof ZIdentitySettings>;

export const IDENTITY_SETTINGS_KEY = "identity.matching";

export const DEFAULT_IDENTITY_SETTINGS: TIdentitySettings = ZIdentitySettings.parse({});

export async function readIdentitySettings(): Promise<TIdentitySettings> {
  return readSetting(IDENTITY_SETTINGS_KEY, ZIdentitySettings, DEFAULT_IDENTITY_SETTINGS);
}

/** ADMIN edits from the console; the change and the previous values are audited together. */
export async function saveIdentitySettings(
  actor: Pick<TStaff, "id">,
  input: TIdentitySettings,
): Promise<TIdentitySettings> {
  const value = ZIdentitySettings.parse(input);
  await db().$transaction(async (tx) => {
    const previous = await writeSetting(IDENTITY_SETTINGS_KEY, value, actor.id, tx);
    const before = ZIdentitySettings.safeParse(previous ?? {});
    await recordAudit(
      {
        actorId: actor.id,
        action: "identity.settings.update",
        target: IDENTITY_SETTINGS_KEY,
        details: { from: before.success ? before.data : DEFAULT_IDENTITY_SETTINGS, to: value },
      },
      tx,
    );
  });
  return value;
}
