import { plainSuccessSchema, renderPlainError, renderPlainSuccess } from "./plain-envelope.ts";
import type { SurfaceDefinition } from "./types.ts";

/** Cloud Android phones (document 000): sessions, skills, account. Errors `{ error, code? }`. */
export const mobile = {
  name: "mobile",
  description: "Cloud Android sessions, skills and account (document 000).",
  prefixes: ["/auth", "/api/sessions", "/api/skills", "/api/account"],
  renderSuccess: renderPlainSuccess,
  // The mobile document adds an optional machine-readable code.
  renderError: (error, requestId) => renderPlainError(error, requestId, true),
  openapi: {
    errorSchema: {
      name: "MobileError",
      schema: {
        type: "object",
        required: ["error"],
        properties: { error: { type: "string" }, code: { type: "string" }, request_id: { type: "string" } },
      },
    },
    validationStatus: 400,
    successSchema: plainSuccessSchema,
  },
  rateLimit: { kind: "none" },
} as const satisfies SurfaceDefinition;
