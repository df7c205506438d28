import type { Metadata } from "next";
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { OAUTH_STATE_COOKIE, resolveCodePage } from "@/lib/wechat/oauth";
import { clientIp } from "@/lib/wechat/rate-limit";
import { CopyButton } from "./copy-button";
import { CODE_PAGE_TEXT, pageLanguage } from "./text";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "WeChat code", robots: { index: false } };

type TSearch = Promise<Record<string, string | string[] | undefined>>;
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/**
 * Public page for links in WeChat articles and menus (outside the console layout, no staff session):
 * WeChat web OAuth gives the reader's OpenID, the page shows their code large with a copy button.
 */
export default async function WechatCodePage({ searchParams }: { searchParams: TSearch }) {
  const [search, headerList, cookieStore] = await Promise.all([searchParams, headers(), cookies()]);
  const language = pageLanguage(headerList.get("accept-language"));
  const t = CODE_PAGE_TEXT[language];
  const result = await resolveCodePage({
    code: one(search.code),
    state: one(search.state),
    cookieState: cookieStore.get(OAUTH_STATE_COOKIE)?.value,
    ip: clientIp(headerList),
    language,
  });
  if (result.kind === "start") redirect("/api/wechat/oauth");

  return (
    <main
      lang={language === "zh" ? "zh-CN" : "en"}
      className="mx-auto flex min-h-screen max-w-md flex-col px-6 py-12"
    >
      <h1 className="text-xl font-semibold">{t.title}</h1>
      {result.kind === "code" ? (
        <>
          <p
            data-testid="wechat-code"
            className="mt-8 select-all text-center font-mono text-5xl font-bold tracking-widest"
          >
            {result.code}
          </p>
          <CopyButton code={result.code} label={t.copy} copiedLabel={t.copied} />
          <p className="mt-6 text-sm text-slate-600 dark:text-slate-400">{t.intro}</p>
        </>
      ) : (
        <>
          <p role="alert" data-testid="wechat-code-error" className="mt-8 text-base">
            {t.errors[result.reason]}
          </p>
          <a
            href="/api/wechat/oauth"
            className="mt-6 block rounded-lg border border-slate-300 px-4 py-3 text-center dark:border-slate-700"
          >
            {t.again}
          </a>
        </>
      )}
    </main>
  );
}
