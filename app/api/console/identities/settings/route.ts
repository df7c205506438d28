import { consoleRoute } from "@/lib/api/route";
import { readIdentitySettings, saveIdentitySettings, ZIdentitySettingsInput } from "@/lib/identity/settings";

export const dynamic = "force-dynamic";

/** Where codes are read and OpenIDs written, and when the nightly reconciliation runs. */
export const GET = consoleRoute({}, async () => ({ settings: await readIdentitySettings() }));

/** ADMIN: every field at once (audited); a property the portal lacks is created on first use. */
export const PUT = consoleRoute({ role: "ADMIN", body: ZIdentitySettingsInput }, async ({ staff, body }) => ({
  settings: await saveIdentitySettings(staff, body),
}));
