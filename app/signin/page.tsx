import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { ThemeToggle } from "@/components/theme-toggle";
import { SignInForm } from "@/features/auth/sign-in-form";
import { configuredProviders } from "@/lib/auth/options";
import { getStaff } from "@/lib/auth/session";
import { safeCallbackPath } from "@/lib/auth/callback-path";

export const metadata = { title: "Sign in" };
export const dynamic = "force-dynamic";

const ERRORS: Record<string, string> = {
  CredentialsSignin: "That email and password do not match a demo account.",
  AccessDenied: "Your account is not allowed to sign in. Ask an ADMIN to check the allowed email domains.",
  OAuthSignin: "The identity provider could not be reached. Try again.",
  OAuthCallback: "The identity provider's answer could not be verified. Try again.",
};

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const params = await searchParams;
  const callbackUrl = safeCallbackPath(params.callbackUrl, (await headers()).get("host"));
  if (await getStaff()) redirect(callbackUrl);
  const providers = configuredProviders();
  const error = params.error ? (ERRORS[params.error] ?? "Sign-in failed. Try again.") : null;
  return (
    <main className="flex min-h-screen items-center justify-center p-4">
      <div className="w-full max-w-sm rounded-lg border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-800 dark:bg-slate-900">
        <div className="mb-6 flex items-center justify-between">
          <h1 className="text-xl font-semibold">
            Sign in to <span className="text-brand-600 dark:text-brand-100">RevBridge</span>
          </h1>
          <ThemeToggle />
        </div>
        {error ? (
          <p
            role="alert"
            data-testid="signin-error"
            className="mb-4 rounded-md bg-red-50 p-3 text-sm text-red-800 dark:bg-red-950 dark:text-red-200"
          >
            {error}
          </p>
        ) : null}
        <SignInForm callbackUrl={callbackUrl} providers={providers} />
      </div>
    </main>
  );
}
