"use client";

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { config as zodConfig } from "zod/v4/core";

// The page CSP (proxy.ts) forbids eval. zod's fast path probes `new Function("")` on first parse,
// which the browser reports as a CSP violation; jitless skips the probe (same results, no eval).
if (typeof window !== "undefined") zodConfig({ jitless: true });

export function Providers({ children }: { children: ReactNode }) {
  // One client per browser tab; server components hand initial data to hooks, so no refetch on mount.
  const [client] = useState(
    () =>
      new QueryClient({
        defaultOptions: { queries: { staleTime: 10_000, refetchOnWindowFocus: true, retry: 1 } },
      }),
  );
  return <QueryClientProvider client={client}>{children}</QueryClientProvider>;
}
