import type { RateLimitRule, ViolationRule } from "../../platform/rate-limit/types.ts";

/**
 * Every surface limit in one table. The same constants drive the in-process and the Redis limiter
 * (the limiter only counts; what to count lives here).
 */
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Hosting (document 003): 100 requests per minute per API key, on every `/api/v1/*` route. */
export const HOSTING_LIMIT: RateLimitRule = { limit: 100, windowMs: MINUTE };

/**
 * Compute (document 004, v1.3.0): per IP and per endpoint, keyed by route template. `null` is
 * unlimited. A `/*` pattern is one bucket shared by every route under it.
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
