/**
 * A small HTTP client for the access test: real sign-in through next-auth's credentials endpoint
 * (CSRF token first, as the browser does), and one `call` that records every response so the
 * header and secret checks can look at all of them afterwards.
 */
import pg from "pg";

export interface TRecorded {
  label: string;
  url: string;
  status: number;
  headers: Headers;
  body: string;
}

export interface TCallOptions {
  cookie?: string;
  origin?: string | null;
  headers?: Record<string, string>;
  body?: string | object;
}

function cookiePairs(res: Response): string[] {
  return res.headers.getSetCookie().map((c) => c.split(";")[0]!);
}

export function createClient(baseUrl: string) {
  const recorded: TRecorded[] = [];

  async function call(method: string, path: string, opts: TCallOptions = {}): Promise<TRecorded> {
    const headers = new Headers(opts.headers);
    if (opts.cookie) headers.set("cookie", opts.cookie);
    // Same-origin by default for mutations, like the console's own fetches; null leaves it out.
    const origin = opts.origin === undefined ? baseUrl : opts.origin;
    if (origin && method !== "GET" && method !== "HEAD") headers.set("origin", origin);
    let body: string | undefined;
    if (opts.body !== undefined) {
      body = typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
      if (!headers.has("content-type")) headers.set("content-type", "application/json");
    }
    const res = await fetch(`${baseUrl}${path}`, { method, headers, body, redirect: "manual" });
    const result: TRecorded = {
      label: `${method} ${path}`,
      url: path,
      status: res.status,
      headers: res.headers,
      body: method === "HEAD" ? "" : await res.text(),
    };
    recorded.push(result);
    return result;
  }

  /**
   * Signs in through the demo credentials provider as a browser does (CSRF token first). Returns the
   * session's Cookie header pair (undefined when refused), its raw Set-Cookie line and where
   * next-auth would send the browser next.
   */
  async function trySignIn(email: string, password: string, callbackUrl = `${baseUrl}/`) {
    const csrfRes = await fetch(`${baseUrl}/api/auth/csrf`);
    const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
    const res = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
      method: "POST",
      redirect: "manual",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        cookie: cookiePairs(csrfRes).join("; "),
      },
      body: new URLSearchParams({ csrfToken, email, password, callbackUrl, json: "true" }),
    });
    const setCookie = res.headers.getSetCookie().find((c) => c.startsWith("next-auth.session-token="));
    const { url } = (await res.json()) as { url?: string };
    return { cookie: setCookie?.split(";")[0], setCookie, url };
  }

  async function signIn(email: string, password: string): Promise<string> {
    const { cookie } = await trySignIn(email, password);
    if (!cookie) throw new Error(`sign-in as ${email} gave no session cookie`);
    return cookie;
  }

  return { baseUrl, call, signIn, trySignIn, recorded };
}

/**
 * One hash per table of every row's text, so "nothing written" can be checked across a whole phase
 * of requests, whatever table a handler might touch.
 */
export async function databaseFingerprint(databaseUrl: string): Promise<Record<string, string>> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const tables = await client.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables
       WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations'
       ORDER BY table_name`,
    );
    const out: Record<string, string> = {};
    for (const { name } of tables.rows) {
      const r = await client.query<{ h: string }>(
        `SELECT count(*) || ':' || md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS h FROM "${name}" t`,
      );
      out[name] = r.rows[0]!.h;
    }
    return out;
  } finally {
    await client.end();
  }
}
