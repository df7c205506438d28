/** The reader-facing words of /wechat/code, in the two languages the account speaks. */
export const CODE_PAGE_TEXT = {
  zh: {
    title: "我的微信验证码",
    intro: "填写咨询表或报名表时，请在“微信验证码”一栏填入此码，我们就能为您关联信息。",
    copy: "复制",
    copied: "已复制",
    again: "重新打开",
    errors: {
      state: "链接已失效，请重新打开。",
      expired: "链接已过期或已使用，请重新打开。",
      rate_limited: "请求过于频繁，请稍后再试。",
      unavailable: "服务暂时不可用，请稍后再试。",
    },
  },
  en: {
    title: "My WeChat code",
    intro:
      "Type this code into the “WeChat code” field of the enquiry or application form so we can link your details.",
    copy: "Copy",
    copied: "Copied",
    again: "Open again",
    errors: {
      state: "This link is no longer valid. Please open it again.",
      expired: "This link has expired or was already used. Please open it again.",
      rate_limited: "Too many requests. Please try again in a minute.",
      unavailable: "The service is unavailable right now. Please try again later.",
    },
  },
} as const;

export type TPageLanguage = keyof typeof CODE_PAGE_TEXT;

/** The reader's language from Accept-Language: Chinese if it is their first choice, else English. */
export function pageLanguage(acceptLanguage: string | null): TPageLanguage {
  const first = acceptLanguage?.split(",")[0]?.trim().toLowerCase() ?? "";
  if (!first) return "zh";
  return first.startsWith("zh") ? "zh" : "en";
}
