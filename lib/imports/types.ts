/**
 * Shared shapes of the import feature: objects, HubSpot property definitions as the mapper needs
 * them, column mappings, per-file metadata (kept in ImportJob.files) and per-row values.
 */
import { z } from "zod";

/** The order matters: contacts associate to companies, tickets to contacts. */
export const IMPORT_OBJECTS = ["companies", "contacts", "tickets"] as const;
export const ZImportObject = z.enum(IMPORT_OBJECTS);
export type TImportObject = z.infer<typeof ZImportObject>;

/** The custom property that makes company and ticket writes idempotent (unique per object type). */
export const IMPORT_KEY_PROPERTY = "revbridge_import_key";

export interface TPropertyDef {
  name: string;
  label: string;
  /** HubSpot `type`: string, number, date, datetime, enumeration, bool, phone_number. */
  type: string;
  fieldType: string;
  options: { value: string; label: string }[];
  hasUniqueValue: boolean;
}

/**
 * Targets that are not HubSpot properties but steer associations:
 * `@company_name` / `@company_domain` on contacts, `@contact_email` on tickets.
 */
export const REFERENCE_TARGETS: Record<TImportObject, string[]> = {
  companies: [],
  contacts: ["@company_name", "@company_domain"],
  tickets: ["@contact_email"],
};

export const ZMappingMethod = z.enum(["exact", "normalised", "synonym", "fuzzy", "template", "user", "none"]);
export const ZColumnMapping = z.object({
  header: z.string(),
  target: z.string().nullable(),
  confidence: z.number().min(0).max(1),
  method: ZMappingMethod,
});
export type TColumnMapping = z.infer<typeof ZColumnMapping>;

export const ZImportFile = z.object({
  object: ZImportObject,
  fileName: z.string(),
  encoding: z.string(),
  delimiter: z.string(),
  headers: z.array(z.string()),
  rowCount: z.number().int(),
  bytes: z.number().int(),
  mapping: z.array(ZColumnMapping).nullable(),
  /** Share of non-empty cells that passed validation, per header (after validation). */
  columnQuality: z.record(z.string(), z.number()).optional(),
  /** The default phone country the rows were validated with; absent when the mapping changed since. */
  validatedCountry: z.string().optional(),
});
export type TImportFile = z.infer<typeof ZImportFile>;
export const ZImportFiles = z.array(ZImportFile);

/** `POST /api/console/imports`. Strict: keys the console never sends are a client bug, refused rather than half-read. */
export const ZCreateImport = z
  .object({ name: z.string().trim().min(1, "give the import a name").max(120) })
  .strict();

export interface TRowProblem {
  column: string;
  severity: "error" | "warning";
  message: string;
}

/** What validation stores in ImportRow.values. */
export interface TRowValues {
  properties: Record<string, string>;
  /** Stable identity used for dedupe in the file and in HubSpot (email, domain:…, name:…, ticket hash). */
  key: string | null;
  refs: { companyName?: string; companyDomain?: string; contactEmail?: string };
  extracted?: { emails: string[]; phones: string[] };
  problems: TRowProblem[];
}

export const ROW_OUTCOMES = ["pending", "created", "updated", "skipped", "failed"] as const;
export type TRowOutcome = (typeof ROW_OUTCOMES)[number];
