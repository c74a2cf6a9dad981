import type { RateLimitRule, ViolationRule } from "../platform/rate-limit/types.ts";
import { endpointLimitOf } from "./endpoint-limits.ts";
import { HOUR, MINUTE } from "./limit-rules.ts";
import { PLAIN_ERROR_SCHEMA, plainSuccessSchema, renderPlainError, renderPlainSuccess } from "./plain-envelope.ts";
import type { SurfaceDefinition } from "./types.ts";

/**
 * Document 004 (v1.3.0): per IP and per endpoint, keyed by route template. `null` is unlimited.
 * A `/*` pattern is one bucket shared by every route under it.
 */
export const COMPUTE_LIMITS: Readonly<Record<string, RateLimitRule | null>> = {
  "/health": null,
  "/tiers": { limit: 100, windowMs: MINUTE },
  "/credentials/:tokenId": { limit: 30, windowMs: HOUR },
  "/vms/:address": { limit: 30, windowMs: MINUTE },
  "/status/:tokenId": { limit: 100, windowMs: MINUTE },
  "/agents/generate-wallet": { limit: 3, windowMs: MINUTE },
  "/admin/*": { limit: 20, windowMs: MINUTE },
};

/**
 * The admin routes: an authenticated admin is counted per admin (not per IP) and is never refused
 * for the IP's ban, so anonymous traffic from the admin's address cannot lock the admin out of unban.
 */
export const ADMIN_COMPUTE_PATTERN = "/admin/*";

/** Compute routes a banned IP may still reach. */
export const BAN_EXEMPT_COMPUTE_PATHS: readonly string[] = ["/health"];

/** "10+ violations within 1 hour results in an automatic IP ban. Ban duration: 1 hour." */
export const AUTO_BAN: ViolationRule = { threshold: 10, windowMs: HOUR, banMs: HOUR };

/** An admin ban without `duration_minutes` lasts as long as an automatic one. */
export const DEFAULT_BAN_MINUTES = AUTO_BAN.banMs / MINUTE;
export const MAX_BAN_MINUTES = 365 * 24 * 60;

/** VMs bought on-chain (document 004): plain objects, errors `{ error }`, per-IP limits with auto-ban. */
export const compute = {
  name: "compute",
  description: "VMs bought on-chain, provisioning state and access (document 004).",
  prefixes: ["/health", "/tiers", "/credentials", "/vms", "/status", "/agents", "/admin", "/x402"],
  renderSuccess: renderPlainSuccess,
  renderError: (error, requestId) => renderPlainError(error, requestId, false),
  openapi: { errorSchema: PLAIN_ERROR_SCHEMA, validationStatus: 400, successSchema: plainSuccessSchema },
  rateLimit: {
    kind: "per-ip-endpoint",
    endpoints: COMPUTE_LIMITS,
    adminPattern: ADMIN_COMPUTE_PATTERN,
    banExempt: BAN_EXEMPT_COMPUTE_PATHS,
    autoBan: AUTO_BAN,
  },
} as const satisfies SurfaceDefinition;

/** What the compute policy does for one route template (`/credentials/{token_id}` → `/credentials/:tokenId`'s rule). */
export const computeRouteFor = (template: string) => endpointLimitOf(compute.rateLimit, template);
