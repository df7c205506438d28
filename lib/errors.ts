/**
 * Typed errors with a stable code. Route handlers turn them into JSON answers with the mapped
 * status; anything else becomes a 500 with no detail leaked.
 */
export const ERROR_STATUS = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  rate_limited: 429,
  unavailable: 503,
} as const;

export type TErrorCode = keyof typeof ERROR_STATUS;

export class AppError extends Error {
  override name = "AppError";
  constructor(
    readonly code: TErrorCode,
    message: string,
    /** Field-level problems a person can fix, e.g. `{ role: "must be ADMIN, OPERATOR or VIEWER" }`. */
    readonly details?: Record<string, string>,
  ) {
    super(message);
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}
