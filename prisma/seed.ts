// `prisma db seed`: the demo users (credentials login only exists in demo mode). Needs only DATABASE_URL.
import { z } from "zod";
import { disconnectDb, setDatabaseUrl } from "@/lib/db";
import { parseEnv } from "@/lib/env";
import { seedDemoUsers } from "@/scripts/lib/seed";

const config = parseEnv(
  z.object({
    DATABASE_URL: z.string().min(1, "must point at the database to seed"),
  }),
);
setDatabaseUrl(config.DATABASE_URL);
await seedDemoUsers();
await disconnectDb();
