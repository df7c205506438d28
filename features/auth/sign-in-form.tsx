"use client";

import { signIn } from "next-auth/react";
import { useState, type FormEvent } from "react";

interface Props {
  callbackUrl: string;
  providers: { credentials: boolean; google: boolean; azureAd: boolean };
}

const input =
  "mt-1 w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm dark:border-slate-700 dark:bg-slate-950";
const button = "w-full rounded-md px-3 py-2 text-sm font-medium disabled:opacity-60";

export function SignInForm({ callbackUrl, providers }: Props) {
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setPending(true);
    const form = new FormData(event.currentTarget);
    // A full redirect lets next-auth set the session cookie and land on the callback (or show ?error=).
    await signIn("credentials", { email: form.get("email"), password: form.get("password"), callbackUrl });
    setPending(false);
  }

  const none = !providers.credentials && !providers.google && !providers.azureAd;
  return (
    <div className="grid gap-4">
      {providers.google ? (
        <button
          type="button"
          className={`${button} border border-slate-300 dark:border-slate-700`}
          onClick={() => void signIn("google", { callbackUrl })}
        >
          Continue with Google
        </button>
      ) : null}
      {providers.azureAd ? (
        <button
          type="button"
          className={`${button} border border-slate-300 dark:border-slate-700`}
          onClick={() => void signIn("azure-ad", { callbackUrl })}
        >
          Continue with Microsoft
        </button>
      ) : null}
      {providers.credentials ? (
        <form onSubmit={onSubmit} className="grid gap-3" aria-label="Demo login">
          <p className="text-xs text-slate-500">
            Demo mode: sign in with one of the seeded demo accounts printed by npm run demo.
          </p>
          <label className="text-sm">
            Email
            <input name="email" type="email" autoComplete="username" required className={input} />
          </label>
          <label className="text-sm">
            Password
            <input
              name="password"
              type="password"
              autoComplete="current-password"
              required
              className={input}
            />
          </label>
          <button
            type="submit"
            disabled={pending}
            className={`${button} bg-brand-600 text-white hover:bg-brand-700`}
          >
            {pending ? "Signing in…" : "Sign in"}
          </button>
        </form>
      ) : null}
      {none ? (
        <p role="alert" className="text-sm text-slate-600 dark:text-slate-400">
          No sign-in method is configured. Set GOOGLE_CLIENT_ID/GOOGLE_CLIENT_SECRET or the AZURE_AD_*
          variables (see the README).
        </p>
      ) : null}
    </div>
  );
}
