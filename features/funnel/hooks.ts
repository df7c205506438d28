"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { fetchJson } from "@/features/fetch-json";
import { funnelKeys } from "./keys";

export interface TStage {
  key: string;
  label: string;
  count: number;
  conversion: number | null;
  medianSeconds: number | null;
}
export interface TGroup {
  key: string;
  label: string;
  stages: TStage[];
}
export interface TFunnel {
  total: TGroup;
  groups: TGroup[];
}
export interface TPeoplePage {
  total: number;
  page: number;
  pageSize: number;
  people: {
    openid: string;
    campaign: string | null;
    firstTouch: string;
    code: string | null;
    contactId: string | null;
    furthestStage: string;
  }[];
}

const qs = (p: Record<string, string | number | boolean>) =>
  new URLSearchParams(
    Object.entries(p)
      .filter(([, v]) => v !== "")
      .map(([k, v]) => [k, String(v)]),
  ).toString();

export function useFunnel(params: Record<string, string>) {
  return useQuery({
    queryKey: funnelKeys.funnel(params),
    queryFn: () => fetchJson<TFunnel>(`/api/console/funnel?${qs(params)}`),
    placeholderData: keepPreviousData,
  });
}

export function useFunnelPeople(params: Record<string, string | number | boolean> | null) {
  return useQuery({
    queryKey: funnelKeys.people(params ?? {}),
    queryFn: () => fetchJson<TPeoplePage>(`/api/console/funnel/people?${qs(params!)}`),
    enabled: params !== null,
    placeholderData: keepPreviousData,
  });
}
