import type { DbOrTx } from "../../../db/connection.ts";
import { audit } from "../audit.ts";
import { AppError } from "../errors.ts";
import type { Logger } from "../logger.ts";
import { rateLimitHeaders, setHeaders } from "./headers.ts";
import { banKey, endpointAdminBucket, endpointBucket } from "./keys.ts";
import type { RateLimiter, RateLimitRule, ViolationRule } from "./types.ts";

/** What a `per-ip-endpoint` surface policy does for one route template (resolved once per route). */
export interface EndpointLimit {
  /** The table entry that matched (the bucket name), or the template itself when none did. */
  pattern: string;
  rule: RateLimitRule | null;
  banExempt: boolean;
  /** An admin route: a signed-in admin has a budget of their own and passes the IP's ban. */
  admin: boolean;
}

export interface EndpointLimitDeps {
  limiter: RateLimiter;
  db: DbOrTx;
  logger: Logger;
}

export interface EndpointRequest {
  /** The surface whose buckets these are. */
  scope: string;
  endpoint: EndpointLimit;
  autoBan: ViolationRule;
  /** Canonical client IP. */
  ip: string;
  requestId: string;
  responseHeaders: Headers;
  /** The signed-in admin's user id, or null for anyone else; asked on admin routes only. */
  adminUserId?: () => Promise<string | null>;
}

/**
 * Per IP and endpoint (compute). A banned IP is refused with 403 everywhere but the ban-exempt
 * routes; each 429 is a violation, and `autoBan.threshold` of them within its window ban the IP.
 * Refusals of a banned IP are not violations and are not audited, so a flood costs one ban lookup
 * per request, no writes. Undefined (no promise) for a ban-exempt route: nothing to check.
 */
export function limitPerIpEndpoint(deps: EndpointLimitDeps, request: EndpointRequest): Promise<void> | undefined {
  const { endpoint } = request;
  if (endpoint.banExempt) return undefined;
  if (endpoint.admin && request.adminUserId) return limitAdminRoute(deps, request, request.adminUserId);
  return enforce(deps, request);
}

/**
 * An admin route: a signed-in admin spends a budget of their own (the documented 20 per minute)
 * and is neither refused for the IP's ban nor counted toward it; everyone else is limited per IP.
 */
async function limitAdminRoute(
  deps: EndpointLimitDeps,
  request: EndpointRequest,
  adminUserId: () => Promise<string | null>,
): Promise<void> {
  const userId = await adminUserId();
  if (!userId) return enforce(deps, request);
  const { pattern, rule } = request.endpoint;
  if (!rule) return;
  const result = await deps.limiter.hit(endpointAdminBucket(request.scope, pattern, userId), rule);
  const headers = rateLimitHeaders(result);
  setHeaders(request.responseHeaders, headers);
  if (result.allowed) return;
  throw new AppError("RATE_LIMITED", `Too many requests to ${pattern}; retry in ${result.retryAfterSeconds}s`, undefined, {
    ...headers,
    "retry-after": String(result.retryAfterSeconds),
  });
}

async function enforce(deps: EndpointLimitDeps, request: EndpointRequest): Promise<void> {
  const bannedUntil = await deps.limiter.isBanned(banKey(request.ip));
  if (bannedUntil !== null) throw bannedError(bannedUntil);
  const { pattern, rule } = request.endpoint;
  if (!rule) return;

  const result = await deps.limiter.hit(endpointBucket(request.scope, pattern, request.ip), rule);
  const headers = rateLimitHeaders(result);
  // Documented "when rate-limited"; sent on every limited response so clients can pace themselves.
  setHeaders(request.responseHeaders, headers);
  if (result.allowed) return;

  await recordViolation(deps, request, pattern);
  throw new AppError("RATE_LIMITED", `Too many requests to ${pattern}; retry in ${result.retryAfterSeconds}s`, undefined, {
    ...headers,
    "retry-after": String(result.retryAfterSeconds),
  });
}

async function recordViolation(deps: EndpointLimitDeps, request: EndpointRequest, pattern: string): Promise<void> {
  const violation = await deps.limiter.recordViolation(banKey(request.ip), request.autoBan);
  // Zero counted means another request banned this IP a moment ago: nothing new to record.
  if (violation.violations === 0) return;
  const caller = { ip: request.ip, requestId: request.requestId };
  await audit(deps, caller, "rate_limit.violation", {
    outcome: "failure",
    subject: request.ip,
    details: { endpoint: pattern, violations: violation.violations },
  });
  if (violation.banned && violation.bannedUntil !== undefined) {
    await audit(deps, caller, "ban.auto", {
      outcome: "success",
      subject: request.ip,
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
