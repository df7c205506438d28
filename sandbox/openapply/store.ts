import { z } from "zod";

/**
 * OpenApply's admissions statuses as slugs. "accepted" in everyday speech is OpenApply's `admitted`.
 * Each status has a `<status>_date` field set when a student enters it.
 */
export const STUDENT_STATUSES = [
  "pending",
  "inquired",
  "applied",
  "admitted",
  "wait_listed",
  "declined",
  "enrolled",
  "withdrawn",
  "graduated",
] as const;
export const ZStudentStatus = z.enum(STUDENT_STATUSES);
export type TStudentStatus = z.infer<typeof ZStudentStatus>;

export interface TParent {
  id: number;
  first_name: string;
  last_name: string;
  name: string;
  email: string | null;
  phone: string | null;
  mobile_phone: string | null;
  parent_role: string | null;
  child_ids: number[];
  updated_at: string;
  custom_fields: Record<string, unknown>;
}

export interface TStudent {
  id: number;
  serial_number: number;
  first_name: string;
  last_name: string;
  name: string;
  preferred_name: string | null;
  other_name: string | null;
  email: string | null;
  student_id: string | null;
  gender: string | null;
  birth_date: string | null;
  nationality: string | null;
  grade: string | null;
  enrollment_year: number | null;
  status: TStudentStatus;
  status_level: string | null;
  status_changed_at: string;
  inquired_at: string | null;
  inquired_date: string | null;
  applied_at: string | null;
  applied_date: string | null;
  admitted_date: string | null;
  wait_listed_date: string | null;
  declined_date: string | null;
  enrolled_at: string | null;
  enrolled_date: string | null;
  withdrawn_date: string | null;
  graduated_date: string | null;
  updated_at: string;
  tags: string[];
  parent_ids: number[];
  custom_fields: Record<string, unknown>;
  /** Not an OpenApply field: every status the student has been in, for the funnel. Shown in sandbox state only. */
  statusHistory: { status: TStudentStatus; at: string }[];
}

export const ZStudentInput = z.object({
  first_name: z.string().min(1),
  last_name: z.string().min(1),
  email: z.email().nullable().optional(),
  student_id: z.string().nullable().optional(),
  preferred_name: z.string().nullable().optional(),
  other_name: z.string().nullable().optional(),
  gender: z.string().nullable().optional(),
  birth_date: z.iso.date().nullable().optional(),
  nationality: z.string().nullable().optional(),
  grade: z.string().nullable().optional(),
  enrollment_year: z.number().int().nullable().optional(),
  status: ZStudentStatus.optional(),
  tags: z.array(z.string()).optional(),
  custom_fields: z.record(z.string(), z.unknown()).optional(),
});
export type TStudentInput = z.infer<typeof ZStudentInput>;

export const ZParentInput = z.object({
  first_name: z.string().min(1),
  last_name: z.string().min(1),
  email: z.email().nullable().optional(),
  phone: z.string().nullable().optional(),
  mobile_phone: z.string().nullable().optional(),
  parent_role: z.string().nullable().optional(),
  custom_fields: z.record(z.string(), z.unknown()).optional(),
});
export type TParentInput = z.infer<typeof ZParentInput>;

/** Fields whose timestamp OpenApply sets on entering a status; `_at` ones carry the time too. */
const STATUS_FIELDS: Partial<Record<TStudentStatus, { date: keyof TStudent; at?: keyof TStudent }>> = {
  inquired: { date: "inquired_date", at: "inquired_at" },
  applied: { date: "applied_date", at: "applied_at" },
  admitted: { date: "admitted_date" },
  wait_listed: { date: "wait_listed_date" },
  declined: { date: "declined_date" },
  enrolled: { date: "enrolled_date", at: "enrolled_at" },
  withdrawn: { date: "withdrawn_date" },
  graduated: { date: "graduated_date" },
};

export function createAdmissionsStore(now: () => number = Date.now) {
  let students = new Map<number, TStudent>();
  let parents = new Map<number, TParent>();
  let nextStudentId = 1_000_001;
  let nextParentId = 5_000_001;
  let nextSerial = 1;

  function reset(): void {
    students = new Map();
    parents = new Map();
    nextStudentId = 1_000_001;
    nextParentId = 5_000_001;
    nextSerial = 1;
  }

  function iso(at = now()): string {
    return new Date(at).toISOString();
  }

  /** Moves a student to a status, stamping its dates; the same status again changes nothing. */
  function setStatus(s: TStudent, status: TStudentStatus, atMs = now()): boolean {
    if (s.status === status && s.statusHistory.length > 0) return false;
    const at = iso(atMs);
    s.status = status;
    s.status_changed_at = at;
    const fields = STATUS_FIELDS[status];
    if (fields) {
      (s as unknown as Record<string, unknown>)[fields.date] = at.slice(0, 10);
      if (fields.at) (s as unknown as Record<string, unknown>)[fields.at] = at;
    }
    s.statusHistory.push({ status, at });
    s.updated_at = iso();
    return true;
  }

  function createStudent(input: TStudentInput, parent?: TParentInput): TStudent {
    const at = iso();
    const s: TStudent = {
      id: nextStudentId++,
      serial_number: nextSerial++,
      first_name: input.first_name,
      last_name: input.last_name,
      name: `${input.first_name} ${input.last_name}`,
      preferred_name: input.preferred_name ?? null,
      other_name: input.other_name ?? null,
      email: input.email ?? null,
      student_id: input.student_id ?? null,
      gender: input.gender ?? null,
      birth_date: input.birth_date ?? null,
      nationality: input.nationality ?? null,
      grade: input.grade ?? null,
      enrollment_year: input.enrollment_year ?? null,
      status: "pending",
      status_level: null,
      status_changed_at: at,
      inquired_at: null,
      inquired_date: null,
      applied_at: null,
      applied_date: null,
      admitted_date: null,
      wait_listed_date: null,
      declined_date: null,
      enrolled_at: null,
      enrolled_date: null,
      withdrawn_date: null,
      graduated_date: null,
      updated_at: at,
      tags: input.tags ?? [],
      parent_ids: [],
      custom_fields: { ...input.custom_fields },
      statusHistory: [],
    };
    students.set(s.id, s);
    setStatus(s, input.status ?? "pending");
    if (parent) {
      const p: TParent = {
        id: nextParentId++,
        first_name: parent.first_name,
        last_name: parent.last_name,
        name: `${parent.first_name} ${parent.last_name}`,
        email: parent.email ?? null,
        phone: parent.phone ?? null,
        mobile_phone: parent.mobile_phone ?? null,
        parent_role: parent.parent_role ?? null,
        child_ids: [s.id],
        updated_at: at,
        custom_fields: { ...parent.custom_fields },
      };
      parents.set(p.id, p);
      s.parent_ids.push(p.id);
    }
    return s;
  }

  function updateStudent(s: TStudent, input: Partial<TStudentInput>): TStudent {
    const { status, custom_fields, ...plain } = input;
    for (const [k, v] of Object.entries(plain))
      if (v !== undefined) (s as unknown as Record<string, unknown>)[k] = v;
    s.name = `${s.first_name} ${s.last_name}`;
    if (custom_fields) s.custom_fields = { ...s.custom_fields, ...custom_fields };
    if (status) setStatus(s, status);
    s.updated_at = iso();
    return s;
  }

  /** Students in id order, filtered as the list endpoint's query parameters ask. */
  function list(filter: { sinceId?: number; sinceDate?: number; status?: TStudentStatus }): TStudent[] {
    return [...students.values()]
      .filter((s) => filter.sinceId === undefined || s.id > filter.sinceId)
      .filter((s) => filter.sinceDate === undefined || Date.parse(s.updated_at) >= filter.sinceDate)
      .filter((s) => filter.status === undefined || s.status === filter.status)
      .sort((a, b) => a.id - b.id);
  }

  return {
    createStudent,
    updateStudent,
    setStatus,
    list,
    student: (id: number) => students.get(id),
    parentsOf: (s: TStudent) =>
      s.parent_ids.map((id) => parents.get(id)).filter((p): p is TParent => p !== undefined),
    counts: () => ({ students: students.size, parents: parents.size }),
    reset,
  };
}

export type TAdmissionsStore = ReturnType<typeof createAdmissionsStore>;
