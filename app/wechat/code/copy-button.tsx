"use client";

import { useState } from "react";

/** Copies the code (without the dash, as forms accept either) and says so for two seconds. */
export function CopyButton({
  code,
  label,
  copiedLabel,
}: {
  code: string;
  label: string;
  copiedLabel: string;
}) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      data-testid="copy-code"
      onClick={() => {
        void navigator.clipboard?.writeText(code).then(() => {
          setCopied(true);
          setTimeout(() => setCopied(false), 2000);
        });
      }}
      className="mt-6 w-full rounded-lg bg-emerald-600 px-4 py-3 text-lg font-semibold text-white active:bg-emerald-700"
    >
      {copied ? copiedLabel : label}
    </button>
  );
}
