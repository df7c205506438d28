"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { fetchJson } from "@/features/fetch-json";
import type { TApiKeyRow } from "@/lib/api-keys/manage";

const apiKeyKeys = { all: ["settings", "api-keys"] as const };
const SCOPES = [
  { scope: "events:write", help: "POST /api/v1/events (lifecycle events)" },
  { scope: "business:write", help: "business data imports" },
  { scope: "wechat:code", help: "WeChat code look-ups" },
] as const;

const input =
  "rounded border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-900";
const when = (iso: string | null) => (iso ? iso.slice(0, 16).replace("T", " ") : "never");

/** Settings → API keys (ADMIN): create (the key is shown once, with a copy button), list, revoke. */
export function ApiKeysCard({ initial }: { initial: TApiKeyRow[] }) {
  const queryClient = useQueryClient();
  const { data } = useQuery({
    queryKey: apiKeyKeys.all,
    queryFn: async () => (await fetchJson<{ keys: TApiKeyRow[] }>("/api/console/api-keys")).keys,
    initialData: initial,
  });
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<string[]>(["events:write"]);
  const [created, setCreated] = useState<{ key: string; name: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const create = useMutation({
    mutationFn: () =>
      fetchJson<{ apiKey: { id: string; key: string } }>("/api/console/api-keys", {
        method: "POST",
        body: JSON.stringify({ name, scopes }),
      }),
    onSuccess: async (res) => {
      setCreated({ key: res.apiKey.key, name });
      setCopied(false);
      setName("");
      await queryClient.invalidateQueries({ queryKey: apiKeyKeys.all });
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) =>
      fetchJson(`/api/console/api-keys/${encodeURIComponent(id)}`, { method: "DELETE" }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: apiKeyKeys.all }),
  });

  return (
    <div className="grid gap-3">
      <form
        className="flex flex-wrap items-end gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate();
        }}
      >
        <label className="grid text-xs text-slate-500">
          Name
          <input
            className={input}
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="e.g. Product app (production)"
            data-testid="api-key-name"
            required
            maxLength={80}
          />
        </label>
        <fieldset className="flex gap-3 text-sm">
          <legend className="text-xs text-slate-500">Scopes</legend>
          {SCOPES.map((s) => (
            <label key={s.scope} className="flex items-center gap-1" title={s.help}>
              <input
                type="checkbox"
                checked={scopes.includes(s.scope)}
                onChange={(e) =>
                  setScopes((cur) =>
                    e.target.checked ? [...cur, s.scope] : cur.filter((x) => x !== s.scope),
                  )
                }
              />
              <code className="text-xs">{s.scope}</code>
            </label>
          ))}
        </fieldset>
        <button
          type="submit"
          disabled={create.isPending}
          data-testid="api-key-create"
          className="rounded bg-slate-900 px-3 py-1 text-sm text-white dark:bg-slate-100 dark:text-slate-900"
        >
          Create key
        </button>
        {create.isError ? (
          <span role="alert" className="text-xs text-red-600">
            {create.error.message}
          </span>
        ) : null}
      </form>
      {created ? (
        <div
          className="rounded border border-amber-300 bg-amber-50 p-3 text-sm dark:border-amber-700 dark:bg-amber-950"
          role="status"
        >
          <p className="mb-2">
            Key for <strong>{created.name}</strong>. Copy it now: it is shown only once and cannot be
            recovered.
          </p>
          <div className="flex flex-wrap items-center gap-2">
            <code
              className="break-all rounded bg-white px-2 py-1 text-xs dark:bg-slate-900"
              data-testid="api-key-secret"
            >
              {created.key}
            </code>
            <button
              type="button"
              className="rounded border border-slate-300 px-2 py-1 text-xs dark:border-slate-700"
              onClick={() => {
                void navigator.clipboard?.writeText(created.key).then(() => setCopied(true));
              }}
            >
              {copied ? "Copied" : "Copy"}
            </button>
            <button type="button" className="text-xs underline" onClick={() => setCreated(null)}>
              Done
            </button>
          </div>
        </div>
      ) : null}
      {data.length === 0 ? (
        <p className="text-sm text-slate-500" data-testid="api-keys-empty">
          No API keys yet.
        </p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full text-sm" data-testid="api-keys">
            <thead>
              <tr className="text-left text-xs uppercase tracking-wide text-slate-500">
                {["Name", "Key", "Scopes", "Created", "Last used", ""].map((h) => (
                  <th key={h} className="px-3 py-2">
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {data.map((k) => (
                <tr
                  key={k.id}
                  className="border-t border-slate-100 dark:border-slate-800"
                  data-testid={`api-key-${k.prefix}`}
                >
                  <td className="px-3 py-2">{k.name}</td>
                  <td className="px-3 py-2 font-mono text-xs">{k.prefix}…</td>
                  <td className="px-3 py-2 text-xs">{k.scopes.join(", ")}</td>
                  <td className="px-3 py-2 text-xs">
                    {when(k.createdAt)}
                    {k.createdBy ? ` by ${k.createdBy}` : ""}
                  </td>
                  <td className="px-3 py-2 text-xs">{when(k.lastUsedAt)}</td>
                  <td className="px-3 py-2 text-xs">
                    {k.revokedAt ? (
                      <span className="text-slate-500">revoked {when(k.revokedAt)}</span>
                    ) : (
                      <button
                        type="button"
                        className="text-red-700 underline dark:text-red-400"
                        disabled={revoke.isPending}
                        onClick={() => {
                          if (window.confirm(`Revoke “${k.name}”? Apps using it stop working at once.`))
                            revoke.mutate(k.id);
                        }}
                      >
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
