"use client";

import { useState } from "react";
import type { TCampaignRow } from "@/lib/campaigns/types";
import { useCampaigns, useCreateCampaign, useCreateQr } from "./hooks";

const input =
  "rounded border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-900";
const button =
  "rounded bg-slate-900 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-50 dark:bg-slate-100 dark:text-slate-900";

/** Campaign list with QR codes; OPERATOR+ also see the create form and the "Create QR code" retry. */
export function CampaignsView({ initial, canEdit }: { initial: TCampaignRow[]; canEdit: boolean }) {
  const campaigns = useCampaigns(initial);
  return (
    <div className="grid gap-4">
      {canEdit ? <CreateCampaignForm /> : null}
      {campaigns.data.length === 0 ? (
        <p className="text-sm text-slate-500" data-testid="campaigns-empty">
          No campaigns yet.
        </p>
      ) : (
        <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3" data-testid="campaigns">
          {campaigns.data.map((c) => (
            <CampaignCard key={c.id} campaign={c} canEdit={canEdit} />
          ))}
        </ul>
      )}
    </div>
  );
}

function CreateCampaignForm() {
  const [name, setName] = useState("");
  const [scene, setScene] = useState("");
  const create = useCreateCampaign();
  return (
    <form
      className="flex flex-wrap items-end gap-3"
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate(
          { name, scene },
          {
            onSuccess: () => {
              setName("");
              setScene("");
            },
          },
        );
      }}
    >
      <label className="grid gap-1 text-sm">
        Name
        <input
          className={input}
          value={name}
          required
          maxLength={80}
          onChange={(e) => setName(e.target.value)}
          data-testid="campaign-name"
        />
      </label>
      <label className="grid gap-1 text-sm">
        Scene <span className="text-xs text-slate-500">(optional; letters, digits, - and _)</span>
        <input
          className={input}
          value={scene}
          maxLength={64}
          pattern="[A-Za-z0-9_\-]*"
          onChange={(e) => setScene(e.target.value)}
          data-testid="campaign-scene"
        />
      </label>
      <button type="submit" className={button} disabled={create.isPending} data-testid="campaign-create">
        {create.isPending ? "Creating…" : "Create campaign"}
      </button>
      {create.isError ? (
        <p role="alert" className="w-full text-sm text-red-600">
          {create.error.message}
        </p>
      ) : null}
      {create.data?.qrError ? (
        <p role="alert" className="w-full text-sm text-amber-700">
          Campaign saved. {create.data.qrError}
        </p>
      ) : null}
    </form>
  );
}

function CampaignCard({ campaign, canEdit }: { campaign: TCampaignRow; canEdit: boolean }) {
  const createQr = useCreateQr();
  const qrPath = `/api/console/campaigns/${encodeURIComponent(campaign.id)}/qr`;
  return (
    <li
      className="rounded-lg border border-slate-200 p-4 dark:border-slate-800"
      data-testid={`campaign-${campaign.scene}`}
    >
      <h3 className="font-semibold">{campaign.name}</h3>
      <p className="text-xs text-slate-500">
        scene <code>{campaign.scene}</code> · {campaign.followers} follower
        {campaign.followers === 1 ? "" : "s"}
      </p>
      {campaign.hasQr ? (
        <div className="mt-3">
          {/* eslint-disable-next-line @next/next/no-img-element -- a same-origin PNG behind the session cookie */}
          <img
            src={qrPath}
            alt={`WeChat QR code for ${campaign.name}`}
            width={180}
            height={180}
            className="rounded bg-white"
          />
          <a
            href={`${qrPath}?download=1`}
            className="mt-2 inline-block text-sm underline"
            data-testid={`campaign-download-${campaign.scene}`}
          >
            Download PNG
          </a>
        </div>
      ) : (
        <div className="mt-3 text-sm">
          <p className="text-amber-700">No QR code yet.</p>
          {canEdit ? (
            <button
              type="button"
              className={`${button} mt-2`}
              disabled={createQr.isPending}
              onClick={() => createQr.mutate(campaign.id)}
            >
              Create QR code
            </button>
          ) : null}
          {createQr.data?.qrError || createQr.isError ? (
            <p role="alert" className="mt-1 text-red-600">
              {createQr.data?.qrError ?? createQr.error?.message}
            </p>
          ) : null}
        </div>
      )}
    </li>
  );
}
