"use client";

import { Card } from "@/components/page-header";
import { usePerson, type TPerson } from "@/features/identities/use-identities";

const KIND_LABEL: Record<string, string> = {
  followed: "Followed",
  code_issued: "Code issued",
  form_submitted: "Code submitted",
  linked: "Linked",
  applied: "Applied",
  enrolled: "Enrolled",
  paid: "Paid",
};

const SYSTEM_LABEL: Record<string, string> = {
  WECHAT: "WeChat",
  HUBSPOT: "HubSpot contact",
  OPENAPPLY: "OpenApply student",
  STRIPE: "Stripe customer",
};

const when = (iso: string) => iso.slice(0, 19).replace("T", " ");

function Links({ person }: { person: TPerson }) {
  const records = person.links.filter((l) => l.system !== "WECHAT");
  if (records.length === 0) return <p className="text-sm text-slate-500">No linked records yet.</p>;
  return (
    <ul className="grid gap-1 text-sm" data-testid="person-links">
      {records.map((l) => (
        <li key={`${l.system}:${l.externalId}`} data-testid={`link-${l.system}`}>
          <span className="font-medium">{SYSTEM_LABEL[l.system] ?? l.system}</span>{" "}
          <code className="text-xs">{l.externalId}</code>
          {l.label?.name || l.label?.email ? (
            <span className="text-slate-500">
              {" "}
              — {[l.label.name, l.label.email].filter(Boolean).join(" · ")}
            </span>
          ) : null}
          <span className="text-xs text-slate-500"> ({l.source.replaceAll("_", " ")})</span>
        </li>
      ))}
    </ul>
  );
}

/** One person: who they are on WeChat, their code, linked records, and what happened in order. */
export function PersonPanel({ personId, onClose }: { personId: string; onClose: () => void }) {
  const { data: person, isPending, error } = usePerson(personId);
  return (
    <Card title="Person">
      <div className="mb-3 flex items-start justify-between gap-2">
        <div>
          <p className="text-xs text-slate-500">OpenID</p>
          <code className="text-sm" data-testid="person-openid">
            {personId}
          </code>
        </div>
        <button type="button" onClick={onClose} className="text-xs text-slate-500 underline">
          Close
        </button>
      </div>
      {isPending ? <p className="text-sm text-slate-500">Loading…</p> : null}
      {error ? (
        <p role="alert" className="text-sm text-red-600">
          {error.message}
        </p>
      ) : null}
      {person ? (
        <div className="grid gap-4">
          <dl className="grid grid-cols-2 gap-2 text-sm">
            <div>
              <dt className="text-xs text-slate-500">Code</dt>
              <dd className="font-mono text-lg" data-testid="person-code">
                {person.code ?? "—"}
              </dd>
            </div>
            <div>
              <dt className="text-xs text-slate-500">Campaign</dt>
              <dd>{person.follower?.campaign ?? "—"}</dd>
            </div>
          </dl>
          <div>
            <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">
              Linked records
            </h3>
            <Links person={person} />
          </div>
          <div>
            <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500">Timeline</h3>
            {person.timeline.length === 0 ? (
              <p className="text-sm text-slate-500">Nothing recorded yet.</p>
            ) : (
              <ol
                className="grid gap-2 border-l border-slate-200 pl-3 dark:border-slate-700"
                data-testid="timeline"
              >
                {person.timeline.map((e, i) => (
                  <li key={`${e.kind}:${e.at}:${i}`} className="text-sm" data-testid={`timeline-${e.kind}`}>
                    <span className="font-medium">{KIND_LABEL[e.kind] ?? e.kind}</span>{" "}
                    <span className="text-xs text-slate-500 tabular-nums">{when(e.at)} UTC</span>
                    <div className="text-xs text-slate-600 dark:text-slate-400">
                      {e.system && e.system !== "WECHAT"
                        ? `${SYSTEM_LABEL[e.system] ?? e.system} ${e.recordId ?? ""}: `
                        : ""}
                      {e.detail}
                    </div>
                  </li>
                ))}
              </ol>
            )}
          </div>
        </div>
      ) : null}
    </Card>
  );
}
