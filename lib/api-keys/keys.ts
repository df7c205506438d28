import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";

/**
 * API keys for product apps and scripts (`/api/v1/*`, `POST /api/wechat/code`). A key is
 * `rbk_` + 32 random bytes (base64url); only its sha256 is stored, so a database leak reveals no
 * usable key. Keys are high-entropy, so a fast hash is enough (no bcrypt): guessing is hopeless
 * and lookup by hash is one indexed read.
 */

export const API_KEY_SCOPES = ["events:write", "business:write", "wechat:code"] as const;
export type TApiKeyScope = (typeof API_KEY_SCOPES)[number];

const PREFIX = "rbk_";

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

export async function createApiKey(
  input: { name: string; scopes: TApiKeyScope[]; createdById: string | null },
  /** Pass the transaction client so the key commits with its audit row. */
  tx: Pick<ReturnType<typeof db>, "apiKey"> = db(),
): Promise<{ id: string; key: string; prefix: string }> {
  const key = `${PREFIX}${randomBytes(32).toString("base64url")}`;
  const prefix = key.slice(0, PREFIX.length + 6);
  const row = await tx.apiKey.create({
    data: {
      name: input.name,
      prefix,
      hash: hashApiKey(key),
      scopes: [...new Set(input.scopes)],
      createdById: input.createdById,
    },
    select: { id: true },
  });
  return { id: row.id, key, prefix };
}

export interface TVerifiedApiKey {
  id: string;
  name: string;
  scopes: string[];
}

/** The key from `Authorization: Bearer <key>` (or `X-Api-Key`), or undefined. */
export function apiKeyFromRequest(request: Request): string | undefined {
  const auth = request.headers.get("authorization");
  const match = auth ? /^Bearer\s+(\S+)\s*$/i.exec(auth) : null;
  return match?.[1] ?? request.headers.get("x-api-key") ?? undefined;
}

// lastUsedAt is for humans ("is this key still used?"); writing it on every request would turn
// each API call into a row update, so it is refreshed at most once a minute per key.
const LAST_USED_EVERY_MS = 60_000;

/** Checks the request's key and scope; throws AppError 401 (no/unknown/revoked key) or 403 (scope). */
export async function verifyApiKey(request: Request, scope: TApiKeyScope): Promise<TVerifiedApiKey> {
  const key = apiKeyFromRequest(request);
  if (!key) {
    throw new AppError("unauthorized", "Missing API key: send `Authorization: Bearer <api key>`.");
  }
  if (!key.startsWith(PREFIX)) {
    throw new AppError("unauthorized", "Invalid API key: RevBridge keys start with `rbk_`.");
  }
  const row = await db().apiKey.findUnique({ where: { hash: hashApiKey(key) } });
  if (!row || row.revokedAt) {
    throw new AppError(
      "unauthorized",
      "Invalid or revoked API key: create a new one in Settings → API keys.",
    );
  }
  if (!row.scopes.includes(scope)) {
    throw new AppError("forbidden", `This API key lacks the \`${scope}\` scope.`);
  }
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > LAST_USED_EVERY_MS) {
    await db().apiKey.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } });
  }
  return { id: row.id, name: row.name, scopes: row.scopes };
}
