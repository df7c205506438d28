"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { Card } from "@/components/page-header";
import type { TFieldMappingUpdate } from "@/lib/sync-console/field-mapping";
import type { TMapping, TOwner, TTransform } from "@/lib/sync/mapping";

const OWNERS: { value: TOwner; label: string }[] = [
  { value: "hubspot", label: "HubSpot wins" },
  { value: "stripe", label: "Stripe wins" },
  { value: "newest", label: "newest change wins" },
];

const TRANSFORM: Record<TTransform, string> = {
  email: "trim, lower-case",
  phone: "E.164 when parseable",
  name: "first + last ⇄ full name",
  trim: "trim; empty = none",
  upper: "trim, upper-case",
};

const th = "px-3 py-2 text-left text-xs font-semibold uppercase tracking-wide text-slate-500";
const td = "px-3 py-2 text-sm";
const field =
  "rounded border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-900";

function toUpdate(m: TMapping): TFieldMappingUpdate {
  return {
    owners: Object.fromEntries(m.fields.map((f) => [f.key, f.owner])),
    purchaseProperties: { ...m.purchaseProperties },
    purchaseEventName: m.purchaseEventName ?? "",
    defaultPhoneRegion: m.defaultPhoneRegion,
    deleteHubspotContactOnStripeDelete: m.deleteHubspotContactOnStripeDelete,
  };
}

/** PUT the edit; a 400's per-field problems are appended so the ADMIN sees which input to fix. */
async function saveMapping(body: TFieldMappingUpdate): Promise<{ mapping: TMapping }> {
  const res = await fetch("/api/console/sync/field-mapping", {
    method: "PUT",
    headers: { accept: "application/json", "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const json = (await res.json().catch(() => null)) as {
    mapping?: TMapping;
    error?: { message?: string; details?: Record<string, string> };
  } | null;
  if (!res.ok || !json?.mapping) {
    const details = Object.entries(json?.error?.details ?? {}).map(([k, v]) => `${k}: ${v}`);
    throw new Error([json?.error?.message ?? `Saving failed (${res.status}).`, ...details].join(" "));
  }
  return { mapping: json.mapping };
}

/**
 * The field mapping in force: which side owns each field and how values are normalised before they
 * are compared, so staff can see why a change did or did not cross over. ADMINs edit ownership and
 * the purchase settings here; the field list itself is part of the deployed code.
 */
export function FieldMappingCard({ mapping, canEdit }: { mapping: TMapping; canEdit: boolean }) {
  const [saved, setSaved] = useState(mapping);
  const [draft, setDraft] = useState(() => toUpdate(mapping));
  const save = useMutation({
    mutationFn: saveMapping,
    onSuccess: (r) => {
      setSaved(r.mapping);
      setDraft(toUpdate(r.mapping));
    },
  });
  const p = draft.purchaseProperties;
  const setProp = (k: keyof typeof p, v: string) =>
    setDraft({ ...draft, purchaseProperties: { ...p, [k]: v } });

  return (
    <Card title="Field mapping">
      <div className="overflow-x-auto">
        <table className="w-full" data-testid="field-mapping">
          <thead>
            <tr>
              {["Field", "HubSpot contact", "Stripe customer", "Ownership", "Transform"].map((h) => (
                <th key={h} scope="col" className={th}>
                  {h}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {saved.fields.map((f) => (
              <tr key={f.key} className="border-t border-slate-100 dark:border-slate-800">
                <td className={td}>{f.key.replaceAll("_", " ")}</td>
                <td className={td}>
                  <code>{f.hubspot.join(" + ")}</code>
                </td>
                <td className={td}>
                  <code>{f.stripe}</code>
                </td>
                <td className={td}>
                  {canEdit ? (
                    <select
                      aria-label={`Who wins for ${f.key.replaceAll("_", " ")}`}
                      data-testid={`owner-${f.key}`}
                      value={draft.owners[f.key] ?? f.owner}
                      onChange={(e) =>
                        setDraft({ ...draft, owners: { ...draft.owners, [f.key]: e.target.value as TOwner } })
                      }
                      className={field}
                    >
                      {OWNERS.map((o) => (
                        <option key={o.value} value={o.value}>
                          {o.label}
                        </option>
                      ))}
                    </select>
                  ) : (
                    OWNERS.find((o) => o.value === f.owner)?.label
                  )}
                </td>
                <td className={`${td} text-slate-500`}>{TRANSFORM[f.transform]}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {canEdit ? (
        <form
          className="mt-4 grid gap-3 border-t border-slate-100 pt-3 md:grid-cols-3 dark:border-slate-800"
          onSubmit={(e) => {
            e.preventDefault();
            save.mutate(draft);
          }}
        >
          {(
            [
              ["lifetimeSpend", "Lifetime spend property"],
              ["lastPurchaseDate", "Last purchase date property"],
              ["currency", "Currency property"],
            ] as const
          ).map(([k, label]) => (
            <label key={k} className="grid gap-1 text-xs text-slate-500">
              {label}
              <input value={p[k]} onChange={(e) => setProp(k, e.target.value)} className={field} />
            </label>
          ))}
          <label className="grid gap-1 text-xs text-slate-500">
            Purchase behavioral event (empty: a note instead)
            <input
              value={draft.purchaseEventName ?? ""}
              onChange={(e) => setDraft({ ...draft, purchaseEventName: e.target.value })}
              className={field}
            />
          </label>
          <label className="grid gap-1 text-xs text-slate-500">
            Phone region for numbers without a country code
            <input
              value={draft.defaultPhoneRegion}
              onChange={(e) => setDraft({ ...draft, defaultPhoneRegion: e.target.value })}
              className={`${field} w-20`}
            />
          </label>
          <label className="flex items-center gap-2 text-xs text-slate-600 dark:text-slate-400">
            <input
              type="checkbox"
              checked={draft.deleteHubspotContactOnStripeDelete}
              onChange={(e) => setDraft({ ...draft, deleteHubspotContactOnStripeDelete: e.target.checked })}
            />
            Archive the HubSpot contact when its Stripe customer is deleted
          </label>
          <div className="flex items-center gap-3 md:col-span-3">
            <button
              type="submit"
              disabled={save.isPending}
              data-testid="field-mapping-save"
              className="rounded bg-brand-600 px-3 py-1 text-sm text-white disabled:opacity-40"
            >
              Save mapping
            </button>
            <span className="text-xs" aria-live="polite">
              {save.isError ? (
                <span role="alert" className="text-red-600">
                  {save.error.message}
                </span>
              ) : save.isSuccess ? (
                "Saved and audited; the engine picks it up within a few seconds."
              ) : null}
            </span>
          </div>
        </form>
      ) : (
        <p className="mt-3 text-xs text-slate-500">
          Purchases: {saved.purchaseEventName ? <code>{saved.purchaseEventName}</code> : "a note"} on the
          contact, plus <code>{saved.purchaseProperties.lifetimeSpend}</code>,{" "}
          <code>{saved.purchaseProperties.lastPurchaseDate}</code> and{" "}
          <code>{saved.purchaseProperties.currency}</code>. Phone numbers without a country code are read as{" "}
          {saved.defaultPhoneRegion}. A deleted Stripe customer{" "}
          {saved.deleteHubspotContactOnStripeDelete
            ? "also archives the HubSpot contact"
            : "marks the pair; the HubSpot contact is kept"}
          . Only ADMINs can change the mapping.
        </p>
      )}
    </Card>
  );
}
