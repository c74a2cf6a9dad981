import { ERROR_TABLE, type AppError } from "../platform/errors.ts";
import type { JsonSchemaObject, RenderedError } from "./types.ts";

/**
 * The `{ "error": string }` envelope market, workspaces and compute document (mobile adds its
 * optional `code`). Validation details and a 5xx's request id ride along; the status is the
 * error table's.
 */
export function renderPlainError(error: AppError, requestId: string, withCode: boolean): RenderedError {
  const row = ERROR_TABLE[error.code];
  const body: Record<string, unknown> = { error: error.message };
  if (withCode) body.code = row.slug;
  if (error.details && error.code === "VALIDATION") body.details = error.details;
  if (row.status >= 500) body.request_id = requestId;
  return { status: row.status, body };
}

/** Plain surfaces print the object as documented. */
export const renderPlainSuccess = (output: unknown): unknown => output;

export const plainSuccessSchema = (output: JsonSchemaObject): JsonSchemaObject => output;

export const PLAIN_ERROR_SCHEMA = {
  name: "PlainError",
  schema: {
    type: "object",
    required: ["error"],
    properties: { error: { type: "string" }, request_id: { type: "string" } },
  },
};
