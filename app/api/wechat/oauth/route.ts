import { publicRoute } from "@/lib/api/route";
import { oauthStartResponse } from "@/lib/wechat/oauth";

export const dynamic = "force-dynamic";

/** Starts WeChat web OAuth for /wechat/code: a state cookie, then a redirect to WeChat's authorize page. */
export const GET = publicRoute(() => Promise.resolve(oauthStartResponse()));
