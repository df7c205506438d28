import { z } from "zod";
import { apiKeyRoute } from "@/lib/api/route";
import { codeForOpenid, ZOpenid } from "@/lib/wechat/code-service";
import { clientIp, CODE_API_LIMITS } from "@/lib/wechat/rate-limit";

export const dynamic = "force-dynamic";

const ZBody = z.object({ openid: ZOpenid });

/** `POST /api/wechat/code` (API key, scope `wechat:code`): `{ openid }` → `{ openid, code: "XXXX-XXXX" }`. */
export const POST = apiKeyRoute({ scope: "wechat:code", body: ZBody }, async ({ request, body }) =>
  codeForOpenid({ openid: body.openid, ip: clientIp(request.headers), limits: CODE_API_LIMITS }),
);
