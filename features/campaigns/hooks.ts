"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { fetchJson } from "@/features/fetch-json";
import type { TCampaignRow } from "@/lib/campaigns/types";
import type { TConversationSettings } from "@/lib/wechat/conversation";
import { campaignKeys } from "./keys";

type TCreateResult = { campaign: TCampaignRow; qrError: string | null };

export function useCampaigns(initial: TCampaignRow[]) {
  return useQuery({
    queryKey: campaignKeys.list(),
    queryFn: async () => (await fetchJson<{ campaigns: TCampaignRow[] }>("/api/console/campaigns")).campaigns,
    initialData: initial,
  });
}

export function useCreateCampaign() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { name: string; scene: string }) =>
      fetchJson<TCreateResult>("/api/console/campaigns", { method: "POST", body: JSON.stringify(input) }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: campaignKeys.list() }),
  });
}

export function useCreateQr() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      fetchJson<TCreateResult>(`/api/console/campaigns/${encodeURIComponent(id)}/qr`, { method: "POST" }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: campaignKeys.list() }),
  });
}

export function useConversationSettings(initial: TConversationSettings) {
  return useQuery({
    queryKey: campaignKeys.conversation(),
    queryFn: async () =>
      (await fetchJson<{ settings: TConversationSettings }>("/api/console/wechat/conversation")).settings,
    initialData: initial,
  });
}

export function useSaveConversationSettings() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (settings: TConversationSettings) =>
      fetchJson<{ settings: TConversationSettings }>("/api/console/wechat/conversation", {
        method: "PUT",
        body: JSON.stringify(settings),
      }),
    onSuccess: (data) => queryClient.setQueryData(campaignKeys.conversation(), data.settings),
  });
}
