// Prisma 7 reads the datasource URL from here, not from schema.prisma.
// This file runs inside the Prisma CLI before the app exists, so it reads DATABASE_URL itself.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations", seed: "tsx --conditions=react-server prisma/seed.ts" },
  datasource: { url: process.env.DATABASE_URL ?? "" },
});
