import { endpointLimitOf } from "./endpoint-limits.ts";
import type { SurfaceDefinition } from "./types.ts";

const rate = (limit: number, windowMs: number) =>
  windowMs === 60_000 ? `${limit} per minute` : windowMs === 3_600_000 ? `${limit} per hour` : `${limit} per ${windowMs / 1000} s`;

/** The error statuses a surface's rate-limit policy adds to one of its routes, for the OpenAPI document. */
export function rateLimitErrors(surface: SurfaceDefinition, path: string): Record<number, string> {
  const policy = surface.rateLimit;
  if (policy.kind === "none") return {};
  if (policy.kind === "per-credential") {
    return {
      429: `Rate limited: ${rate(policy.rule.limit, policy.rule.windowMs)} per API key (or per IP without one); X-RateLimit-Limit, -Remaining and -Reset on every response.`,
    };
  }
  const route = endpointLimitOf(policy, path);
  if (route.banExempt) return {};
  const banned = `IP banned: ${policy.autoBan.threshold} rate-limit violations within an hour ban the IP for an hour.`;
  if (!route.rule) return { 403: banned };
  const per = route.admin ? "per signed-in admin (per IP for other callers)" : "per IP";
  return {
    403: route.admin ? `${banned} A signed-in admin is not refused for the IP's ban.` : banned,
    429: `Rate limited: ${rate(route.rule.limit, route.rule.windowMs)} ${per} on ${route.pattern}; Retry-After and X-RateLimit-* headers.`,
  };
}
