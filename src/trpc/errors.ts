import { TRPCError } from "@trpc/server";
import { AppError, ERROR_TABLE, appCodeFromTrpc, type ErrorDetails } from "../platform/errors.ts";

/** The AppError inside whatever a procedure threw: its own, a validation failure, or tRPC's. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof TRPCError) {
    const cause = error.cause;
    if (cause instanceof AppError) return cause;
    // Before the issues check: a failed output validation carries zod issues, and is our fault.
    if (error.code === "INTERNAL_SERVER_ERROR") return internalError(cause ?? error);
    const issues = validationIssues(cause);
    if (issues) return validationError(issues);
    return new AppError(appCodeFromTrpc(error.code), error.message);
  }
  const issues = validationIssues(error);
  if (issues) return validationError(issues);
  return internalError(error);
}

/** Unknown errors keep their cause for the log and show nothing of it to the caller. */
export class InternalError extends AppError {
  constructor(public readonly original: unknown) {
    super("INTERNAL", "Internal server error");
  }
}

function internalError(error: unknown): AppError {
  return error instanceof AppError ? error : new InternalError(error);
}

interface Issue {
  path: ReadonlyArray<PropertyKey | { key: PropertyKey }>;
  message: string;
}

function validationIssues(value: unknown): Issue[] | null {
  if (typeof value !== "object" || value === null || !("issues" in value)) return null;
  const issues = (value as { issues: unknown }).issues;
  return Array.isArray(issues) ? (issues as Issue[]) : null;
}

function validationError(issues: Issue[]): AppError {
  const details: ErrorDetails = {};
  for (const issue of issues) {
    const field =
      issue.path.map((p) => String(typeof p === "object" && p !== null ? p.key : p)).join(".") ||
      "body";
    details[field] ??= issue.message;
  }
  const summary = Object.entries(details)
    .map(([field, message]) => `${field}: ${message}`)
    .join("; ");
  return new AppError("VALIDATION", `Validation failed: ${summary}`, details);
}

export function toTrpcError(error: AppError): TRPCError {
  return new TRPCError({ code: ERROR_TABLE[error.code].trpc, message: error.message, cause: error });
}
