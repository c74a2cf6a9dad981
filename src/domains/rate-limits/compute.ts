import type { DbOrTx } from "../../../db/connection.ts";
import { AppError } from "../../platform/errors.ts";
import type { Logger } from "../../platform/logger.ts";
import type { RateLimiter } from "../../platform/rate-limit/types.ts";
import { recordAudit } from "../audit/service.ts";
import { computeRouteFor, type ComputeRoute } from "./compute-routes.ts";
import { rateLimitHeaders, setHeaders } from "./headers.ts";
import { banKey, computeAdminBucket, computeBucket } from "./keys.ts";
import { AUTO_BAN } from "./limits.ts";

export interface ComputeLimitDeps {
  limiter: RateLimiter;
  db: DbOrTx;
  logger: Logger;
}

export interface ComputeRequest {
  /** The route template (`/vms/:address`), not the concrete URL. */
  template: string;
  /** Canonical client IP. */
  ip: string;
  requestId: string;
  responseHeaders: Headers;
  /** The signed-in admin's user id, or null for anyone else; asked on admin routes only. */
  adminUserId?: () => Promise<string | null>;
}

/**
 * Compute: per IP and endpoint. A banned IP is refused with 403 everywhere but `/health`; each 429
 * is a violation, and the tenth within an hour bans the IP for an hour. Refusals of a banned IP
 * are not violations and are not audited, so a flood costs one ban lookup per request, no writes.
 * Undefined (no promise) for a ban-exempt route: nothing to check.
 */
export function limitCompute(deps: ComputeLimitDeps, request: ComputeRequest): Promise<void> | undefined {
  const route = computeRouteFor(request.template);
  if (route.banExempt) return undefined;
  if (route.admin && request.adminUserId) return limitAdminRoute(deps, request, route, request.adminUserId);
  return enforceCompute(deps, request, route);
}

/**
 * An admin route: a signed-in admin spends a budget of their own (the documented 20 per minute)
 * and is neither refused for the IP's ban nor counted toward it; everyone else is limited per IP.
 */
async function limitAdminRoute(
  deps: ComputeLimitDeps,
  request: ComputeRequest,
  route: ComputeRoute,
  adminUserId: () => Promise<string | null>,
): Promise<void> {
  const userId = await adminUserId();
  if (!userId) return enforceCompute(deps, request, route);
  if (!route.rule) return;
  const result = await deps.limiter.hit(computeAdminBucket(route.pattern, userId), route.rule);
  const headers = rateLimitHeaders(result);
  setHeaders(request.responseHeaders, headers);
  if (result.allowed) return;
  throw new AppError("RATE_LIMITED", `Too many requests to ${route.pattern}; retry in ${result.retryAfterSeconds}s`, undefined, {
    ...headers,
    "retry-after": String(result.retryAfterSeconds),
  });
}

async function enforceCompute(deps: ComputeLimitDeps, request: ComputeRequest, route: ComputeRoute): Promise<void> {
  const bannedUntil = await deps.limiter.isBanned(banKey(request.ip));
  if (bannedUntil !== null) throw bannedError(bannedUntil);
  if (!route.rule) return;

  const result = await deps.limiter.hit(computeBucket(route.pattern, request.ip), route.rule);
  const headers = rateLimitHeaders(result);
  // Documented "when rate-limited"; sent on every limited response so clients can pace themselves.
  setHeaders(request.responseHeaders, headers);
  if (result.allowed) return;

  await recordViolation(deps, request, route.pattern);
  throw new AppError("RATE_LIMITED", `Too many requests to ${route.pattern}; retry in ${result.retryAfterSeconds}s`, undefined, {
    ...headers,
    "retry-after": String(result.retryAfterSeconds),
  });
}

async function recordViolation(deps: ComputeLimitDeps, request: ComputeRequest, pattern: string): Promise<void> {
  const violation = await deps.limiter.recordViolation(banKey(request.ip), AUTO_BAN);
  // Zero counted means another request banned this IP a moment ago: nothing new to record.
  if (violation.violations === 0) return;
  const audit = { db: deps.db, logger: deps.logger };
  const common = { subject: request.ip, ip: request.ip, requestId: request.requestId };
  await recordAudit(audit, {
    action: "rate_limit.violation",
    outcome: "failure",
    ...common,
    details: { endpoint: pattern, violations: violation.violations },
  });
  if (violation.banned && violation.bannedUntil !== undefined) {
    await recordAudit(audit, {
      action: "ban.auto",
      outcome: "success",
      ...common,
      details: { until: new Date(violation.bannedUntil * 1000).toISOString(), violations: violation.violations },
    });
  }
}

function bannedError(untilSeconds: number): AppError {
  const retryAfter = Math.max(1, Math.ceil(untilSeconds - Date.now() / 1000));
  const until = new Date(untilSeconds * 1000).toISOString();
  return new AppError("FORBIDDEN", `IP banned for repeated rate-limit violations until ${until}`, undefined, {
    "retry-after": String(retryAfter),
  });
}
