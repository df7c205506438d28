import "server-only";
import { db } from "@/lib/db";
import { log } from "@/lib/logger";
import { ProviderRejectedError, providerErrorStatus } from "@/lib/connectors/errors";
import { hubspotCall } from "@/lib/connectors/hubspot/client";
import { getStudent, updateStudentCustomFields } from "@/lib/connectors/openapply/client";
import { ensureContactProperty } from "@/lib/identity/hubspot-properties";
import type { TCodeSystem } from "@/lib/identity/match";
import { readIdentitySettings } from "@/lib/identity/settings";

/**
 * Writes a linked follower's OpenID into the record the code was typed into: the HubSpot contact's
 * OpenID property or the OpenApply student's custom field. Idempotent: a record that already carries
 * the OpenID is left alone (no write, so no echo webhook and no poll churn). Each outcome is a
 * SyncLog row (direction `identity`) for the per-record history.
 */

export type TWriteBackResult = "written" | "unchanged" | "record_missing";

async function logOutcome(input: {
  system: TCodeSystem;
  recordId: string;
  openid: string;
  outcome: "applied" | "skipped_unchanged" | "failed";
  statusCode?: number;
  message?: string;
  lagMs?: number;
}): Promise<void> {
  await db().syncLog.create({
    data: {
      direction: "identity",
      outcome: input.outcome,
      sourceSystem: "WECHAT",
      sourceId: input.openid,
      targetSystem: input.system,
      targetId: input.recordId,
      statusCode: input.statusCode ?? null,
      message: input.message ?? null,
      lagMs: input.lagMs ?? null,
    },
  });
}

async function writeHubspot(
  contactId: string,
  openid: string,
  current?: string | null,
): Promise<TWriteBackResult> {
  const { hubspotOpenidProperty: property } = await readIdentitySettings();
  await ensureContactProperty(property, "openid");
  let existing = current;
  if (existing === undefined) {
    const contact = await hubspotCall("default", (c) =>
      c.crm.contacts.basicApi.getById(contactId, [property]),
    );
    existing = contact.properties[property] ?? null;
  }
  if (existing === openid) return "unchanged";
  await hubspotCall("default", (c) =>
    c.crm.contacts.basicApi.update(contactId, { properties: { [property]: openid } }),
  );
  return "written";
}

async function writeOpenApply(
  studentId: string,
  openid: string,
  current?: string | null,
): Promise<TWriteBackResult> {
  const { openapplyOpenidField: field } = await readIdentitySettings();
  let existing = current;
  if (existing === undefined) {
    const student = await getStudent(studentId);
    const value = student.custom_fields?.[field];
    existing = typeof value === "string" ? value : null;
  }
  if (existing === openid) return "unchanged";
  await updateStudentCustomFields(studentId, { [field]: openid });
  return "written";
}

/**
 * `current` is the record's OpenID value when the caller just read it (saves a read); leave it
 * undefined to have it read here. `sinceMs` (when the code was submitted) gives the SyncLog lag.
 */
export async function writeBackOpenid(input: {
  system: TCodeSystem;
  recordId: string;
  openid: string;
  current?: string | null;
  sinceMs?: number;
}): Promise<TWriteBackResult> {
  try {
    const result =
      input.system === "HUBSPOT"
        ? await writeHubspot(input.recordId, input.openid, input.current)
        : await writeOpenApply(input.recordId, input.openid, input.current);
    await logOutcome({
      ...input,
      outcome: result === "written" ? "applied" : "skipped_unchanged",
      lagMs: input.sinceMs === undefined ? undefined : Math.max(0, Date.now() - input.sinceMs),
    });
    return result;
  } catch (error) {
    // The record was deleted (or merged away) since: nothing to write; say so and move on.
    if (error instanceof ProviderRejectedError && error.status === 404) {
      await logOutcome({ ...input, outcome: "failed", statusCode: 404, message: "record not found" });
      log.warn("identity.write_back_missing", { system: input.system, recordId: input.recordId });
      return "record_missing";
    }
    await logOutcome({
      ...input,
      outcome: "failed",
      statusCode: providerErrorStatus(error),
      message: error instanceof Error ? error.message.slice(0, 500) : String(error),
    });
    throw error;
  }
}
