import { checkHealth } from "@/lib/health";
import { json } from "@/lib/api/respond";

export const dynamic = "force-dynamic";

/** Public liveness and readiness: 200 when every part is up, 503 otherwise. No session needed. */
export async function GET() {
  const health = await checkHealth();
  return json(health, { status: health.status === "ok" ? 200 : 503 });
}
