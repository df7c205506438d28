"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { fetchJson } from "@/features/fetch-json";
import { identityKeys } from "@/features/identities/keys";
import type { TReviewItem } from "@/lib/identity/review-queue";
import type { TPersonHit } from "@/lib/identity/search";
import type { TPerson } from "@/lib/identity/timeline";

export type { TPerson, TPersonHit, TReviewItem };

export function useIdentitySearch(q: string, initialData?: TPersonHit[]) {
  return useQuery({
    queryKey: identityKeys.search(q),
    queryFn: async () =>
      (await fetchJson<{ people: TPersonHit[] }>(`/api/console/identities?q=${encodeURIComponent(q)}`))
        .people,
    initialData: q === "" ? initialData : undefined,
    placeholderData: keepPreviousData,
  });
}

export function usePerson(personId: string | null) {
  return useQuery({
    queryKey: identityKeys.person(personId ?? ""),
    queryFn: async () =>
      (
        await fetchJson<{ person: TPerson }>(
          `/api/console/identities/people/${encodeURIComponent(personId!)}`,
        )
      ).person,
    enabled: Boolean(personId),
  });
}

export function useReviews(status: "OPEN" | "APPROVED" | "REJECTED", initialData?: TReviewItem[]) {
  return useQuery({
    queryKey: identityKeys.reviewList(status),
    queryFn: async () =>
      (await fetchJson<{ reviews: TReviewItem[] }>(`/api/console/identities/reviews?status=${status}`))
        .reviews,
    initialData: status === "OPEN" ? initialData : undefined,
    refetchInterval: 15_000,
  });
}

function useInvalidateAfterDecision() {
  const queryClient = useQueryClient();
  return async () => {
    await queryClient.invalidateQueries({ queryKey: identityKeys.reviews() });
    await queryClient.invalidateQueries({ queryKey: identityKeys.people() });
    await queryClient.invalidateQueries({ queryKey: [...identityKeys.all, "search"] });
  };
}

export function useApproveReview() {
  const invalidate = useInvalidateAfterDecision();
  return useMutation({
    mutationFn: (input: { reviewId: string; openid?: string; code?: string }) =>
      fetchJson(`/api/console/identities/reviews/${encodeURIComponent(input.reviewId)}/approve`, {
        method: "POST",
        body: JSON.stringify(input.openid ? { openid: input.openid } : { code: input.code }),
      }),
    onSuccess: invalidate,
  });
}

export function useRejectReview() {
  const invalidate = useInvalidateAfterDecision();
  return useMutation({
    mutationFn: (input: { reviewId: string }) =>
      fetchJson(`/api/console/identities/reviews/${encodeURIComponent(input.reviewId)}/reject`, {
        method: "POST",
        body: JSON.stringify({}),
      }),
    onSuccess: invalidate,
  });
}
