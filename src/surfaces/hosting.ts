import { ERROR_TABLE } from "../platform/errors.ts";
import { renderHostingList } from "../platform/paging/render.ts";
import type { NumberedPage } from "../platform/paging/numbered.ts";
import type { RateLimitRule } from "../platform/rate-limit/types.ts";
import { MINUTE } from "./limit-rules.ts";
import type { JsonSchemaObject, SurfaceDefinition } from "./types.ts";

/** Document 003: 100 requests per minute per API key, on every `/api/v1/*` route. */
export const HOSTING_LIMIT: RateLimitRule = { limit: 100, windowMs: MINUTE };

/** Hosting's documented answer to invalid input; the field-by-field messages go in `details`. */
const HOSTING_VALIDATION = { status: 422, code: "unprocessable_entity", message: "Validation failed" };

/**
 * Managed hosted instances (document 003, `/api/v1`): `{ data }` and `{ data, pagination }`
 * envelopes; errors `{ error: { code, message, details? } }`, 422 on validation.
 */
export const hosting = {
  name: "hosting",
  description: "Managed instances, billing, add-ons and backups (document 003).",
  prefixes: ["/api/v1"],
  renderSuccess(output, list) {
    return list ? renderHostingList(output as NumberedPage<unknown>) : { data: output };
  },
  renderError(error, requestId) {
    const row = ERROR_TABLE[error.code];
    const { status, code, message } =
      error.code === "VALIDATION" ? HOSTING_VALIDATION : { status: row.status, code: row.slug, message: error.message };
    return {
      status,
      body: { error: { code, message, ...(error.details ? { details: error.details } : {}), request_id: requestId } },
    };
  },
  openapi: {
    errorSchema: {
      name: "HostingError",
      schema: {
        type: "object",
        required: ["error"],
        properties: {
          error: {
            type: "object",
            required: ["code", "message"],
            properties: {
              code: { type: "string", examples: ["unauthorized", "unprocessable_entity", "not_found"] },
              message: { type: "string" },
              details: { type: "object", additionalProperties: { type: "string" } },
              request_id: { type: "string" },
            },
          },
        },
      },
    },
    validationStatus: 422,
    successSchema(output, list): JsonSchemaObject {
      if (!list) return { type: "object", required: ["data"], properties: { data: output } };
      const items = (output.properties as Record<string, JsonSchemaObject> | undefined)?.items;
      return {
        type: "object",
        required: ["data", "pagination"],
        properties: { data: items ?? { type: "array" }, pagination: { $ref: "#/components/schemas/HostingPagination" } },
      };
    },
    schemas: {
      HostingPagination: {
        type: "object",
        required: ["current_page", "total_pages", "total_count", "per_page"],
        properties: {
          current_page: { type: "integer" },
          total_pages: { type: "integer" },
          total_count: { type: "integer" },
          per_page: { type: "integer" },
        },
      },
    },
  },
  rateLimit: { kind: "per-credential", rule: HOSTING_LIMIT },
} as const satisfies SurfaceDefinition;
