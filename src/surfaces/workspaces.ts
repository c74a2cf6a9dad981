import { PLAIN_ERROR_SCHEMA, plainSuccessSchema, renderPlainError, renderPlainSuccess } from "./plain-envelope.ts";
import type { SurfaceDefinition } from "./types.ts";

/** Sandboxes in workspaces (document 002): sign-in, workspaces, sandboxes, agents, proxies. Errors `{ error }`. */
export const workspaces = {
  name: "workspaces",
  description: "Workspaces, sandboxes, local agents and proxies (document 002).",
  prefixes: ["/api/auth", "/api/workspaces", "/api/sandboxes", "/api/agent", "/api/tunnel", "/proxy"],
  renderSuccess: renderPlainSuccess,
  renderError: (error, requestId) => renderPlainError(error, requestId, false),
  openapi: { errorSchema: PLAIN_ERROR_SCHEMA, validationStatus: 400, successSchema: plainSuccessSchema },
  rateLimit: { kind: "none" },
} as const satisfies SurfaceDefinition;
