import { consoleRoute } from "@/lib/api/route";
import { ZConversationSettings } from "@/lib/wechat/conversation";
import { conversationSettings, saveConversationSettings } from "@/lib/wechat/conversation-settings";

export const dynamic = "force-dynamic";

export const GET = consoleRoute({}, async () => ({ settings: await conversationSettings() }));

/** Saves the reply templates, menu keys and keywords (OPERATOR+, audited). */
export const PUT = consoleRoute(
  { role: "OPERATOR", body: ZConversationSettings },
  async ({ staff, body }) => ({
    settings: await saveConversationSettings(body, staff.id),
  }),
);
