"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { fetchJson } from "@/features/fetch-json";
import { overviewKeys } from "@/features/overview/keys";
import { settingsKeys } from "@/features/settings/keys";

const ROLES = ["VIEWER", "OPERATOR", "ADMIN"] as const;

/** ADMINs change a staff member's role; others see the role as text (the API refuses them anyway). */
export function RoleSelect({
  userId,
  email,
  role,
  canEdit,
}: {
  userId: string;
  email: string;
  role: string;
  canEdit: boolean;
}) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const [value, setValue] = useState(role);
  const mutation = useMutation({
    mutationFn: (next: string) =>
      fetchJson(`/api/console/users/${encodeURIComponent(userId)}`, {
        method: "PATCH",
        body: JSON.stringify({ role: next }),
      }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: settingsKeys.staff() });
      await queryClient.invalidateQueries({ queryKey: overviewKeys.all });
      router.refresh();
    },
    onError: () => setValue(role),
  });

  if (!canEdit) return <span data-testid={`role-${email}`}>{role}</span>;
  return (
    <span className="inline-flex items-center gap-2">
      <label className="sr-only" htmlFor={`role-${userId}`}>
        Role for {email}
      </label>
      <select
        id={`role-${userId}`}
        data-testid={`role-select-${email}`}
        value={value}
        disabled={mutation.isPending}
        onChange={(e) => {
          setValue(e.target.value);
          mutation.mutate(e.target.value);
        }}
        className="rounded border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-700 dark:bg-slate-900"
      >
        {ROLES.map((r) => (
          <option key={r} value={r}>
            {r}
          </option>
        ))}
      </select>
      {mutation.isError ? (
        <span role="alert" className="text-xs text-red-600">
          {mutation.error.message}
        </span>
      ) : null}
    </span>
  );
}
