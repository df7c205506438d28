import { Card } from "@/components/page-header";
import { ApiKeysCard } from "@/features/settings/api-keys-card";
import { listApiKeys } from "@/lib/api-keys/manage";

/** Server part of Settings → API keys: ADMINs only (the API refuses others too). */
export async function ApiKeysSection({ isAdmin }: { isAdmin: boolean }) {
  if (!isAdmin) return null;
  return (
    <Card title="API keys">
      <p className="mb-3 text-xs text-slate-500">
        Keys for product apps calling <code>/api/v1/*</code>. Only a hash is stored; a key is shown once.
        Revoking takes effect on the next request.
      </p>
      <ApiKeysCard initial={await listApiKeys()} />
    </Card>
  );
}
