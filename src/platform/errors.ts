/**
 * The one error type services throw. Its code is a closed enum; `ERROR_TABLE` maps each code to an
 * HTTP status, a tRPC code and the machine-readable slug the surfaces print. Surfaces change only
 * the envelope around it.
 */
export const ERROR_CODES = [
  "BAD_REQUEST",
  "VALIDATION",
  "UNAUTHENTICATED",
  "PAYMENT_REQUIRED",
  "FORBIDDEN",
  "NOT_FOUND",
  "METHOD_NOT_ALLOWED",
  "CONFLICT",
  "PAYLOAD_TOO_LARGE",
  "UNSUPPORTED_MEDIA_TYPE",
  "RATE_LIMITED",
  "INTERNAL",
  "BAD_GATEWAY",
  "UNAVAILABLE",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export type TrpcErrorCode =
  | "BAD_REQUEST"
  | "UNAUTHORIZED"
  | "PAYMENT_REQUIRED"
  | "FORBIDDEN"
  | "NOT_FOUND"
  | "METHOD_NOT_SUPPORTED"
  | "CONFLICT"
  | "PAYLOAD_TOO_LARGE"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "TOO_MANY_REQUESTS"
  | "INTERNAL_SERVER_ERROR"
  | "BAD_GATEWAY"
  | "SERVICE_UNAVAILABLE"
  | "UNPROCESSABLE_CONTENT";

export interface ErrorRow {
  status: number;
  trpc: TrpcErrorCode;
  slug: string;
}

export const ERROR_TABLE: Record<ErrorCode, ErrorRow> = {
  BAD_REQUEST: { status: 400, trpc: "BAD_REQUEST", slug: "bad_request" },
  // The hosting surface documents 422 `unprocessable_entity` for validation; its override lives in surfaces/hosting.ts.
  VALIDATION: { status: 400, trpc: "BAD_REQUEST", slug: "validation_failed" },
  UNAUTHENTICATED: { status: 401, trpc: "UNAUTHORIZED", slug: "unauthorized" },
  PAYMENT_REQUIRED: { status: 402, trpc: "PAYMENT_REQUIRED", slug: "payment_required" },
  FORBIDDEN: { status: 403, trpc: "FORBIDDEN", slug: "forbidden" },
  NOT_FOUND: { status: 404, trpc: "NOT_FOUND", slug: "not_found" },
  METHOD_NOT_ALLOWED: { status: 405, trpc: "METHOD_NOT_SUPPORTED", slug: "method_not_allowed" },
  CONFLICT: { status: 409, trpc: "CONFLICT", slug: "conflict" },
  PAYLOAD_TOO_LARGE: { status: 413, trpc: "PAYLOAD_TOO_LARGE", slug: "payload_too_large" },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, trpc: "UNSUPPORTED_MEDIA_TYPE", slug: "unsupported_media_type" },
  RATE_LIMITED: { status: 429, trpc: "TOO_MANY_REQUESTS", slug: "rate_limited" },
  INTERNAL: { status: 500, trpc: "INTERNAL_SERVER_ERROR", slug: "internal_server_error" },
  BAD_GATEWAY: { status: 502, trpc: "BAD_GATEWAY", slug: "bad_gateway" },
  UNAVAILABLE: { status: 503, trpc: "SERVICE_UNAVAILABLE", slug: "service_unavailable" },
};

/** Field path → message, as the hosting document prints validation details. */
export type ErrorDetails = Record<string, string>;

export class AppError extends Error {
  constructor(
    public readonly code: ErrorCode,
    message: string,
    public readonly details?: ErrorDetails,
    /** Extra response headers the error carries (Retry-After, rate-limit counters). */
    public readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = "AppError";
  }

  get status(): number {
    return ERROR_TABLE[this.code].status;
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

const TRPC_TO_APP: Record<string, ErrorCode> = Object.fromEntries(
  (Object.entries(ERROR_TABLE) as [ErrorCode, ErrorRow][])
    .filter(([code]) => code !== "VALIDATION")
    .map(([code, row]) => [row.trpc, code]),
);

/** Maps a tRPC error code (from tRPC itself, e.g. a missing procedure) back onto the enum. */
export function appCodeFromTrpc(code: string): ErrorCode {
  return TRPC_TO_APP[code] ?? "INTERNAL";
}

/** What went wrong, for a person: an Error's message, anything else as text. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
