/**
 * OpenApply as the generator uses it: the sandbox's control endpoints for what families and the
 * admissions office do. The app only sees the results by polling the students API.
 */
import { z } from "zod";
import { callJson } from "./control-http";

const ZStudentAnswer = z.object({ student: z.object({ id: z.number() }) });

export interface TApplicationInput {
  student: {
    first_name: string;
    last_name: string;
    other_name?: string;
    grade: string;
    birth_date: string;
    enrollment_year: number;
    custom_fields?: Record<string, string>;
  };
  parent: { first_name: string; last_name: string; email: string; mobile_phone: string; parent_role: string };
}

export type TStaffStatus = "admitted" | "wait_listed" | "enrolled" | "withdrawn";

export function createOpenApplyClient(baseUrl: string) {
  return {
    /** A family applies; the student starts as `applied`. Returns the student id. */
    async apply(input: TApplicationInput): Promise<number> {
      const r = await callJson(baseUrl, "POST", "/__sandbox/openapply/applications", ZStudentAnswer, {
        ...input.student,
        status: "applied",
        parent: input.parent,
      });
      return r.student.id;
    },
    /** The admissions office moves a student. */
    async setStatus(studentId: number, status: TStaffStatus): Promise<void> {
      await callJson(baseUrl, "POST", `/__sandbox/openapply/students/${studentId}/status`, ZStudentAnswer, {
        status,
      });
    },
    /** A parent fills in custom form fields (here: the WeChat code). */
    async fillCustomFields(studentId: number, fields: Record<string, string>): Promise<void> {
      await callJson(
        baseUrl,
        "POST",
        `/__sandbox/openapply/students/${studentId}/custom_fields`,
        ZStudentAnswer,
        {
          custom_fields: fields,
        },
      );
    },
  };
}

export type TOpenApplyClient = ReturnType<typeof createOpenApplyClient>;
