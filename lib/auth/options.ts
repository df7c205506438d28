import "server-only";
import bcrypt from "bcryptjs";
import type { NextAuthOptions } from "next-auth";
import AzureADProvider from "next-auth/providers/azure-ad";
import CredentialsProvider from "next-auth/providers/credentials";
import GoogleProvider from "next-auth/providers/google";
import { z } from "zod";
import { isEmailAllowed, parseAllowedDomains } from "@/lib/auth/allowlist";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { log } from "@/lib/logger";

const ZCredentials = z.object({ email: z.email(), password: z.string().min(1).max(200) });

/** Which sign-in methods this deployment offers; the sign-in page renders from this. */
export function configuredProviders(): { credentials: boolean; google: boolean; azureAd: boolean } {
  const e = env();
  return {
    credentials: e.DEMO_MODE,
    google: Boolean(e.GOOGLE_CLIENT_ID && e.GOOGLE_CLIENT_SECRET),
    azureAd: Boolean(e.AZURE_AD_CLIENT_ID && e.AZURE_AD_CLIENT_SECRET && e.AZURE_AD_TENANT_ID),
  };
}

async function authorizeDemoUser(raw: unknown) {
  const parsed = ZCredentials.safeParse(raw);
  if (!parsed.success) return null;
  const user = await db().user.findUnique({ where: { email: parsed.data.email.toLowerCase() } });
  if (!user?.passwordHash || user.disabled) return null;
  if (!(await bcrypt.compare(parsed.data.password, user.passwordHash))) return null;
  return { id: user.id, email: user.email, name: user.name };
}

/** OIDC users are created on first sign-in as VIEWER; an ADMIN raises them in Settings. */
async function upsertOidcUser(email: string, name: string | null | undefined): Promise<boolean> {
  const user = await db().user.upsert({
    where: { email },
    create: { email, name: name ?? null, role: "VIEWER", lastLoginAt: new Date() },
    update: { lastLoginAt: new Date() },
  });
  return !user.disabled;
}

let cached: NextAuthOptions | undefined;

export function authOptions(): NextAuthOptions {
  if (cached) return cached;
  const e = env();
  const enabled = configuredProviders();
  const allowedDomains = parseAllowedDomains(e.AUTH_ALLOWED_DOMAINS);
  const providers: NextAuthOptions["providers"] = [];
  // Credentials exist only in demo mode: production has no password store to attack.
  if (enabled.credentials) {
    providers.push(
      CredentialsProvider({
        name: "Demo login",
        credentials: {
          email: { label: "Email", type: "email" },
          password: { label: "Password", type: "password" },
        },
        authorize: authorizeDemoUser,
      }),
    );
  }
  if (enabled.google) {
    providers.push(GoogleProvider({ clientId: e.GOOGLE_CLIENT_ID!, clientSecret: e.GOOGLE_CLIENT_SECRET! }));
  }
  if (enabled.azureAd) {
    providers.push(
      AzureADProvider({
        clientId: e.AZURE_AD_CLIENT_ID!,
        clientSecret: e.AZURE_AD_CLIENT_SECRET!,
        tenantId: e.AZURE_AD_TENANT_ID!,
      }),
    );
  }
  cached = {
    secret: e.NEXTAUTH_SECRET,
    session: { strategy: "jwt", maxAge: 12 * 60 * 60 },
    pages: { signIn: "/signin", error: "/signin" },
    providers,
    callbacks: {
      async signIn({ user, account, profile }) {
        if (account?.provider === "credentials") {
          await db().user.update({ where: { id: user.id }, data: { lastLoginAt: new Date() } });
          return true;
        }
        const email = (user.email ?? "").toLowerCase();
        const verified =
          account?.provider !== "google" || (profile as { email_verified?: boolean })?.email_verified;
        if (!email || !verified || !isEmailAllowed(email, allowedDomains)) {
          log.warn("auth.signin.refused", { provider: account?.provider, reason: "domain_not_allowed" });
          return false;
        }
        return upsertOidcUser(email, user.name);
      },
      async jwt({ token, user }) {
        // The database id is what requireStaff() looks up; role is never trusted from the token.
        if (user?.email) {
          const row = await db().user.findUnique({
            where: { email: user.email.toLowerCase() },
            select: { id: true },
          });
          if (row) token.uid = row.id;
        }
        return token;
      },
      session({ session, token }) {
        if (session.user && typeof token.uid === "string") (session.user as { id?: string }).id = token.uid;
        return session;
      },
    },
  };
  return cached;
}
