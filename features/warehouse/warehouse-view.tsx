"use client";

import { useState } from "react";
import { Card } from "@/components/page-header";
import { VIEW_COLUMNS } from "@/lib/analytics/warehouse-columns";
import { IngestPanel } from "./ingest-panel";
import { BusinessUpload } from "./business-upload";
import type { TWarehouseStatus } from "./hooks";
import { ViewTable } from "./view-table";

const VIEWS = [
  {
    name: "contacts_to_users",
    columns: VIEW_COLUMNS.contacts_to_users,
    label: "Contacts → users",
  },
  {
    name: "team_spending",
    columns: VIEW_COLUMNS.team_spending,
    label: "Team spending",
  },
  {
    name: "company_deals",
    columns: VIEW_COLUMNS.company_deals,
    label: "Company deals",
  },
] as const;

export function WarehouseView({
  initial,
  canOperate,
  isAdmin,
}: {
  initial: TWarehouseStatus;
  canOperate: boolean;
  isAdmin: boolean;
}) {
  const [tab, setTab] = useState<(typeof VIEWS)[number]["name"]>("contacts_to_users");
  const current = VIEWS.find((v) => v.name === tab)!;
  return (
    <div className="grid gap-4">
      <IngestPanel initial={initial} canOperate={canOperate} isAdmin={isAdmin} />
      <Card title="Views">
        <div role="tablist" aria-label="Warehouse views" className="mb-4 flex flex-wrap gap-2">
          {VIEWS.map((v) => (
            <button
              key={v.name}
              type="button"
              role="tab"
              id={`tab-${v.name}`}
              aria-selected={tab === v.name}
              aria-controls={`panel-${v.name}`}
              data-testid={`tab-${v.name}`}
              onClick={() => setTab(v.name)}
              className={`rounded px-3 py-1.5 text-sm ${tab === v.name ? "bg-brand-600 text-white" : "bg-slate-100 dark:bg-slate-800"}`}
            >
              {v.label}
            </button>
          ))}
        </div>
        <div role="tabpanel" id={`panel-${current.name}`} aria-labelledby={`tab-${current.name}`}>
          <ViewTable key={current.name} view={current.name} columns={current.columns} />
        </div>
      </Card>
      {canOperate ? <BusinessUpload /> : null}
    </div>
  );
}
