import type { RestMeta } from "../../rest/meta.ts";
import { computeRouteFor } from "./compute-routes.ts";
import { AUTO_BAN, HOSTING_LIMIT } from "./limits.ts";

const rate = (limit: number, windowMs: number) =>
  windowMs === 60_000 ? `${limit} per minute` : windowMs === 3_600_000 ? `${limit} per hour` : `${limit} per ${windowMs / 1000} s`;

/** The error statuses each surface's rate-limit policy adds to a route, for the OpenAPI document. */
export function rateLimitErrors(meta: RestMeta): Record<number, string> {
  if (meta.surface === "hosting") {
    return {
      429: `Rate limited: ${rate(HOSTING_LIMIT.limit, HOSTING_LIMIT.windowMs)} per API key (or per IP without one); X-RateLimit-Limit, -Remaining and -Reset on every response.`,
    };
  }
  if (meta.surface !== "compute") return {};
  const route = computeRouteFor(meta.path);
  if (route.banExempt) return {};
  const banned = `IP banned: ${AUTO_BAN.threshold} rate-limit violations within an hour ban the IP for an hour.`;
  if (!route.rule) return { 403: banned };
  const per = route.admin ? "per signed-in admin (per IP for other callers)" : "per IP";
  return {
    403: route.admin ? `${banned} A signed-in admin is not refused for the IP's ban.` : banned,
    429: `Rate limited: ${rate(route.rule.limit, route.rule.windowMs)} ${per} on ${route.pattern}; Retry-After and X-RateLimit-* headers.`,
  };
}
