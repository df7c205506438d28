import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";
import tseslint from "typescript-eslint";

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  globalIgnores([
    ".next/**",
    "node_modules/**",
    ".data/**",
    "lib/generated/**",
    "next-env.d.ts",
    "bench/results/**",
    "test-results/**",
    "playwright-report/**",
    "scripts/prisma/schema-engine",
  ]),
  {
    files: ["**/*.{ts,tsx}"],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { attributes: false } }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      // Only lib/env.ts reads the environment, validated; everything else asks it.
      "no-restricted-properties": [
        "error",
        {
          object: "process",
          property: "env",
          message: "Read configuration through lib/env.ts (env() or parseEnv()).",
        },
      ],
    },
  },
  {
    files: ["lib/env.ts", "prisma.config.ts", "playwright.config.ts"],
    rules: { "no-restricted-properties": "off" },
  },
  {
    // Production code never depends on the sandboxes; tests beside it may drive them as the provider.
    files: ["app/**", "lib/**", "inngest/**", "features/**", "components/**"],
    ignores: ["**/*.test.ts", "**/*.test.tsx"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["@/sandbox/*", "**/sandbox/**"],
              message: "Production code never imports the sandboxes.",
            },
          ],
        },
      ],
    },
  },
]);
