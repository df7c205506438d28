"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { fetchJson } from "@/features/fetch-json";
import { eventsKeys } from "@/features/events/keys";
import type { TEventsOverview } from "@/lib/events/console";
import type { TEventMapping } from "@/lib/events/mapping";
import type { TEventsMode } from "@/lib/events/settings";

export type TEventFilterValues = { status: string; type: string; from: string; to: string };

export function useEvents(filters: TEventFilterValues, initialData?: TEventsOverview) {
  const qs = new URLSearchParams(Object.entries(filters).filter(([, v]) => v !== "")).toString();
  return useQuery({
    queryKey: eventsKeys.list(filters),
    queryFn: () => fetchJson<TEventsOverview>(`/api/console/events${qs ? `?${qs}` : ""}`),
    initialData,
    refetchInterval: 10_000,
  });
}

export function useSetEventsMode() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (mode: TEventsMode) =>
      fetchJson<{ mode: TEventsMode }>("/api/console/events/mode", {
        method: "PUT",
        body: JSON.stringify({ mode }),
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: eventsKeys.all }),
  });
}

export function useSaveMapping() {
  const queryClient = useQueryClient();
  return useMutation({
    // Not fetchJson: the field errors (`types.trial.started.properties.x.field: …`) are the useful part.
    mutationFn: async (mapping: unknown) => {
      const res = await fetch("/api/console/events/mapping", {
        method: "PUT",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify(mapping),
      });
      const body = (await res.json().catch(() => null)) as {
        mapping: TEventMapping;
        error?: { message: string; details?: Record<string, string> };
      } | null;
      if (!res.ok) {
        const details = Object.entries(body?.error?.details ?? {}).map(([k, v]) => `${k}: ${v}`);
        throw new Error(
          [body?.error?.message ?? `Request failed with status ${res.status}`, ...details].join(" "),
        );
      }
      return body as { mapping: TEventMapping };
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: eventsKeys.all }),
  });
}
