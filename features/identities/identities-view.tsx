"use client";

import { useState } from "react";
import { Card } from "@/components/page-header";
import { MatchingCard } from "@/features/identities/matching-card";
import { PersonPanel } from "@/features/identities/person-panel";
import { ReviewQueue } from "@/features/identities/review-queue";
import { useIdentitySearch, type TPersonHit, type TReviewItem } from "@/features/identities/use-identities";
import type { TIdentitySettings } from "@/lib/identity/settings";

const MATCHED_BY: Record<string, string> = {
  openid: "OpenID",
  code: "code",
  similar_code: "code one edit away",
  record: "record id",
  email_or_name: "email or name",
  recent: "recently linked",
};

function Results({ q, initial, onPick }: { q: string; initial: TPersonHit[]; onPick: (id: string) => void }) {
  const { data = [], isFetching, error } = useIdentitySearch(q, initial);
  if (error) {
    return (
      <p role="alert" className="text-sm text-red-600">
        {error.message}
      </p>
    );
  }
  if (data.length === 0) {
    return (
      <p className="text-sm text-slate-500" data-testid="identity-results-empty">
        {isFetching ? "Searching…" : q ? "Nobody matches." : "Nobody is linked yet."}
      </p>
    );
  }
  return (
    <ul className="grid gap-2" data-testid="identity-results">
      {data.map((p) => (
        <li key={p.personId}>
          <button
            type="button"
            onClick={() => onPick(p.personId)}
            data-testid={`person-${p.personId}`}
            className="w-full rounded-md border border-slate-200 p-2 text-left hover:bg-slate-50 dark:border-slate-800 dark:hover:bg-slate-800"
          >
            <div className="flex flex-wrap items-center justify-between gap-2">
              <code className="text-sm">{p.personId}</code>
              <span className="font-mono text-sm">{p.code ?? "no code"}</span>
            </div>
            <div className="text-xs text-slate-500">
              {p.links.length
                ? p.links
                    .map(
                      (l) => `${l.system.toLowerCase()} ${l.label?.email ?? l.label?.name ?? l.externalId}`,
                    )
                    .join(" · ")
                : "no linked records"}{" "}
              — found by {MATCHED_BY[p.matchedBy] ?? p.matchedBy}
            </div>
          </button>
        </li>
      ))}
    </ul>
  );
}

export function IdentitiesView({
  initialPeople,
  initialReviews,
  canDecide,
  settings,
  canEditSettings,
}: {
  initialPeople: TPersonHit[];
  initialReviews: TReviewItem[];
  canDecide: boolean;
  settings: TIdentitySettings;
  canEditSettings: boolean;
}) {
  const [draft, setDraft] = useState("");
  const [q, setQ] = useState("");
  const [personId, setPersonId] = useState<string | null>(null);
  return (
    <div className="grid gap-4">
      <div className="grid gap-4 lg:grid-cols-2">
        <Card title="Find a person">
          <form
            className="mb-3 flex gap-2"
            role="search"
            onSubmit={(e) => {
              e.preventDefault();
              setQ(draft.trim());
            }}
          >
            <label htmlFor="identity-q" className="sr-only">
              OpenID, code, email or name
            </label>
            <input
              id="identity-q"
              value={draft}
              onChange={(e) => setDraft(e.target.value)}
              placeholder="OpenID, code (any case, with or without dash), email or name"
              className="w-full rounded border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-900"
            />
            <button
              type="submit"
              className="rounded bg-slate-900 px-3 py-1 text-sm text-white dark:bg-slate-100 dark:text-slate-900"
            >
              Search
            </button>
          </form>
          <Results q={q} initial={initialPeople} onPick={setPersonId} />
        </Card>
        {personId ? (
          <PersonPanel personId={personId} onClose={() => setPersonId(null)} />
        ) : (
          <Card title="Person">
            <p className="text-sm text-slate-500">Pick a person to see their linked records and timeline.</p>
          </Card>
        )}
      </div>
      <ReviewQueue initial={initialReviews} canDecide={canDecide} />
      <MatchingCard initial={settings} canEdit={canEditSettings} canRun={canDecide} />
    </div>
  );
}
