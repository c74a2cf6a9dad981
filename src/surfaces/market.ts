import { PLAIN_ERROR_SCHEMA, plainSuccessSchema, renderPlainError, renderPlainSuccess } from "./plain-envelope.ts";
import type { SurfaceDefinition } from "./types.ts";

/** The jobs marketplace (document 001): jobs, board, agents, wallet. Errors `{ error }`. */
export const market = {
  name: "market",
  description: "Jobs marketplace, agents and wallet (document 001).",
  prefixes: ["/api/jobs", "/api/board", "/api/agents", "/api/wallet", "/api/verify", "/api/whoami", "/api/stripe"],
  renderSuccess: renderPlainSuccess,
  renderError: (error, requestId) => renderPlainError(error, requestId, false),
  openapi: { errorSchema: PLAIN_ERROR_SCHEMA, validationStatus: 400, successSchema: plainSuccessSchema },
  rateLimit: { kind: "none" },
} as const satisfies SurfaceDefinition;
