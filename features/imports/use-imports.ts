"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { fetchJson } from "@/features/fetch-json";
import { importKeys } from "@/features/imports/keys";
import type { TMappingTarget } from "@/lib/imports/console";
import type { TImportReport } from "@/lib/imports/report";
import type { TColumnMapping, TImportFile, TImportObject, TRowValues } from "@/lib/imports/types";

export interface TImportListItem {
  id: string;
  name: string;
  status: string;
  createdAt: string;
  files: { object: TImportObject; fileName: string; rowCount: number }[];
}
export interface TImportList {
  jobs: TImportListItem[];
  templates: { name: string; object: string }[];
}
export interface TImportDetail {
  id: string;
  name: string;
  status: string;
  files: TImportFile[];
  targets: Record<string, TMappingTarget[]>;
  progress: {
    previewing?: boolean;
    starting?: boolean;
    previewError?: string;
    preview?: TPreviewCounts[];
  } | null;
  report: TImportReport;
}
export interface TPreviewCounts {
  object: TImportObject;
  create: number;
  update: number;
  skip: number;
  associate: number;
  associationMissing: number;
}
export interface TImportRowView {
  rowNumber: number;
  raw: string[];
  values: Partial<TRowValues>;
  quality: number;
  outcome: string;
  reason: string | null;
  hubspotId: string | null;
}

const jobUrl = (id: string) => `/api/console/imports/${encodeURIComponent(id)}`;

export function useImportList(initialData: TImportList) {
  return useQuery({
    queryKey: importKeys.list(),
    queryFn: () => fetchJson<TImportList>("/api/console/imports"),
    initialData,
    refetchInterval: 10_000,
  });
}

/**
 * Polls every second while something is happening (preview, run), otherwise stays still. When the
 * job changes phase (preview done, run finished), the rows and the job list are refetched: they
 * would otherwise keep showing the plan ("Would create", pending) of a job that has since run.
 */
export function useImportJob(id: string | null) {
  const qc = useQueryClient();
  const query = useQuery({
    queryKey: importKeys.job(id ?? ""),
    queryFn: async () => (await fetchJson<{ job: TImportDetail }>(jobUrl(id ?? ""))).job,
    enabled: id !== null,
    refetchInterval: (q) => {
      const j = q.state.data;
      return j && (j.status === "RUNNING" || j.progress?.previewing || j.progress?.starting) ? 1000 : false;
    },
  });
  const status = query.data?.status;
  const previewing = query.data?.progress?.previewing ?? false;
  useEffect(() => {
    if (!id || !status) return;
    void qc.invalidateQueries({ queryKey: importKeys.allRows(id) });
    void qc.invalidateQueries({ queryKey: importKeys.list() });
  }, [qc, id, status, previewing]);
  return query;
}

export function useImportRows(
  id: string,
  object: TImportObject,
  outcome: string,
  page: number,
  live: boolean,
) {
  return useQuery({
    queryKey: importKeys.rows(id, object, outcome, page),
    queryFn: () =>
      fetchJson<{ rows: TImportRowView[]; total: number; pageSize: number }>(
        `${jobUrl(id)}/rows?object=${object}&page=${page}${outcome ? `&outcome=${outcome}` : ""}`,
      ),
    placeholderData: keepPreviousData,
    refetchInterval: live ? 2000 : false,
  });
}

function useInvalidateJob(id: string | null) {
  const qc = useQueryClient();
  return async () => {
    if (id) await qc.invalidateQueries({ queryKey: importKeys.job(id) });
    await qc.invalidateQueries({ queryKey: importKeys.list() });
  };
}

export function useCreateImport() {
  const invalidate = useInvalidateJob(null);
  return useMutation({
    mutationFn: (name: string) =>
      fetchJson<{ job: { id: string } }>("/api/console/imports", {
        method: "POST",
        body: JSON.stringify({ name }),
      }),
    onSettled: invalidate,
  });
}

export function useUploadFile(id: string) {
  const invalidate = useInvalidateJob(id);
  return useMutation({
    // The raw file is the body (no multipart): the server streams it into rows.
    mutationFn: (v: { object: TImportObject; file: File }) =>
      fetchJson<{ file: TImportFile }>(
        `${jobUrl(id)}/files/${v.object}?name=${encodeURIComponent(v.file.name)}`,
        {
          method: "PUT",
          body: v.file,
          headers: { "content-type": "text/csv" },
        },
      ),
    onSettled: invalidate,
  });
}

export function useSaveMapping(id: string) {
  const invalidate = useInvalidateJob(id);
  return useMutation({
    mutationFn: (v: {
      object: TImportObject;
      mapping?: TColumnMapping[];
      templateName?: string;
      template?: string;
    }) =>
      fetchJson<{ file: TImportFile }>(`${jobUrl(id)}/mapping`, { method: "PUT", body: JSON.stringify(v) }),
    onSettled: invalidate,
  });
}

export function useJobAction(id: string, action: "preview" | "run" | "cancel") {
  const invalidate = useInvalidateJob(id);
  return useMutation({
    mutationFn: () => fetchJson<{ ok: true }>(`${jobUrl(id)}/${action}`, { method: "POST" }),
    onSettled: invalidate,
  });
}
