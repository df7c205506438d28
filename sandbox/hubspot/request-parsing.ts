import type { z } from "zod";
import { BodyParseError, type TStandInRequest } from "../core";
import { failWith, invalidInput, validationError } from "./errors";
import { resolveObjectType, type TObjectType } from "./object-types";

export function requireObjectType(req: TStandInRequest, param = "objectType"): TObjectType {
  const name = req.params[param] ?? "";
  const t = resolveObjectType(name);
  if (!t) failWith(validationError(`Unable to infer object type from: ${name}`));
  return t;
}

/** A JSON body checked with zod; failures answer like HubSpot's JSON binder (400 VALIDATION_ERROR). */
export function parseBody<T extends z.ZodType>(req: TStandInRequest, schema: T): z.infer<T> {
  let raw: unknown;
  try {
    raw = req.json();
  } catch (error) {
    if (error instanceof BodyParseError) failWith(invalidInput(error.message));
    throw error;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join(".") || "body";
    failWith(
      invalidInput(
        `Cannot build input, some of required attributes are not set or invalid [${where}]: ${issue?.message ?? ""}`,
      ),
    );
  }
  return parsed.data;
}

/** `limit` query parameter within HubSpot's bounds; out-of-range values are clamped as HubSpot does. */
export function readLimit(req: TStandInRequest, fallback: number, max: number): number {
  const raw = req.query.get("limit");
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    failWith(validationError(`limit must be a positive integer, got ${raw}`));
  return Math.min(n, max);
}

export function readBoolean(req: TStandInRequest, name: string): boolean {
  return req.query.get(name) === "true";
}
