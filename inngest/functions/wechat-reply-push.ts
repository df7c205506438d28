import { inngest } from "@/inngest/client";
import { wechatReplyDeferred } from "@/inngest/events";
import { toInngestError } from "@/lib/connectors/errors";
import { deadLetterOnFailure } from "@/lib/dead-letters/record";
import { sendCustomerServiceText } from "@/lib/wechat/api";
import { wechatApiConfig } from "@/lib/wechat/config";
import { replyToMessage } from "@/lib/wechat/handle-message";
import { parseWechatXml } from "@/lib/wechat/xml";

export const WECHAT_REPLY_PUSH_ID = "wechat-reply-push";
const RETRIES = 4;

/**
 * A reply that missed the passive-reply budget (see lib/wechat/deferred-reply.ts): redo the message's work
 * — idempotent by its dedupe key, so usually this just reads the reply the callback stored meanwhile — and
 * push the text as a customer-service message (allowed for 48 h after the follower's message).
 */
export const wechatReplyPushFunction = inngest.createFunction(
  {
    id: WECHAT_REPLY_PUSH_ID,
    name: "Push a slow WeChat reply as a customer-service message",
    triggers: [wechatReplyDeferred],
    retries: RETRIES,
    concurrency: [{ limit: 1, key: "event.data.dedupeKey" }, { limit: 10 }],
    onFailure: deadLetterOnFailure(WECHAT_REPLY_PUSH_ID, {
      retries: RETRIES,
      subject: (data) =>
        typeof data.dedupeKey === "string" ? `WECHAT:message:${data.dedupeKey}` : undefined,
    }),
  },
  async ({ event, step }) => {
    const reply = await step.run("reply", () => replyToMessage(event.data.message));
    const openid = event.data.message.FromUserName;
    const content = reply ? parseWechatXml(reply)?.Content : undefined;
    if (!openid || !content) return { pushed: false };
    await step.run("push", async () => {
      try {
        await sendCustomerServiceText(wechatApiConfig(), openid, content);
      } catch (error) {
        throw toInngestError(error);
      }
    });
    return { pushed: true, openid };
  },
);
