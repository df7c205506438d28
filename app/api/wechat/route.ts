import { publicRoute } from "@/lib/api/route";
import { callbackResponse, handleWechatCallback } from "@/lib/wechat/callback";
import { wechatCallbackConfig } from "@/lib/wechat/config";

export const dynamic = "force-dynamic";

/** WeChat Official Account callback: GET verifies the server URL, POST carries messages and events. */
const handle = publicRoute(async (request) =>
  callbackResponse(await handleWechatCallback(request, wechatCallbackConfig())),
);

export const GET = handle;
export const POST = handle;
