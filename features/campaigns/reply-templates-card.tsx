"use client";

import { useState } from "react";
import type { TConversationSettings } from "@/lib/wechat/conversation";
import { useConversationSettings, useSaveConversationSettings } from "./hooks";

const field =
  "w-full rounded border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-900";

const list = (s: string) =>
  s
    .split(/[,，\n]/)
    .map((x) => x.trim())
    .filter(Boolean);

/** The WeChat conversation: reply templates (zh/en, with {code}), menu keys and keywords. OPERATOR+ edit. */
export function ReplyTemplatesCard({
  initial,
  canEdit,
}: {
  initial: TConversationSettings;
  canEdit: boolean;
}) {
  const settings = useConversationSettings(initial);
  const save = useSaveConversationSettings();
  const [draft, setDraft] = useState(() => toDraft(settings.data));
  const disabled = !canEdit || save.isPending;
  return (
    <form
      className="grid gap-3"
      data-testid="reply-templates"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate(fromDraft(draft), { onSuccess: (data) => setDraft(toDraft(data.settings)) });
      }}
    >
      {(["zh", "en"] as const).map((lang) => (
        <label key={lang} className="grid gap-1 text-sm">
          {lang === "zh" ? "Chinese reply" : "English reply"}{" "}
          <span className="text-xs text-slate-500">({"{code}"} is replaced by the code)</span>
          <textarea
            className={field}
            rows={3}
            value={draft.templates[lang]}
            disabled={disabled}
            data-testid={`template-${lang}`}
            onChange={(e) =>
              setDraft({ ...draft, templates: { ...draft.templates, [lang]: e.target.value } })
            }
          />
        </label>
      ))}
      <div className="grid gap-3 sm:grid-cols-3">
        <label className="grid gap-1 text-sm">
          Menu keys (CLICK EventKey)
          <input
            className={field}
            value={draft.clickEventKeys}
            disabled={disabled}
            onChange={(e) => setDraft({ ...draft, clickEventKeys: e.target.value })}
          />
        </label>
        <label className="grid gap-1 text-sm">
          Keywords
          <input
            className={field}
            value={draft.keywords}
            disabled={disabled}
            onChange={(e) => setDraft({ ...draft, keywords: e.target.value })}
          />
        </label>
        <label className="grid gap-1 text-sm">
          Language when unknown
          <select
            className={field}
            value={draft.defaultLanguage}
            disabled={disabled}
            onChange={(e) => setDraft({ ...draft, defaultLanguage: e.target.value as "zh" | "en" })}
          >
            <option value="zh">Chinese</option>
            <option value="en">English</option>
          </select>
        </label>
      </div>
      <label className="flex items-center gap-2 text-sm">
        <input
          type="checkbox"
          checked={draft.replyOnSubscribe}
          disabled={disabled}
          onChange={(e) => setDraft({ ...draft, replyOnSubscribe: e.target.checked })}
        />
        Reply with the code when someone follows (also through a campaign QR code)
      </label>
      {canEdit ? (
        <div className="flex items-center gap-3">
          <button
            type="submit"
            disabled={save.isPending}
            data-testid="templates-save"
            className="rounded bg-slate-900 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-50 dark:bg-slate-100 dark:text-slate-900"
          >
            {save.isPending ? "Saving…" : "Save"}
          </button>
          {save.isSuccess ? <span className="text-sm text-emerald-700">Saved.</span> : null}
          {save.isError ? (
            <span role="alert" className="text-sm text-red-600">
              {save.error.message}
            </span>
          ) : null}
        </div>
      ) : (
        <p className="text-xs text-slate-500">Operators and admins can edit these.</p>
      )}
    </form>
  );
}

type TDraft = Omit<TConversationSettings, "clickEventKeys" | "keywords"> & {
  clickEventKeys: string;
  keywords: string;
};

function toDraft(s: TConversationSettings): TDraft {
  return { ...s, clickEventKeys: s.clickEventKeys.join(", "), keywords: s.keywords.join(", ") };
}

function fromDraft(d: TDraft): TConversationSettings {
  return { ...d, clickEventKeys: list(d.clickEventKeys), keywords: list(d.keywords) };
}
