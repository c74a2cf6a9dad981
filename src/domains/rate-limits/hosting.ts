import { AppError } from "../../platform/errors.ts";
import type { Principal } from "../../platform/principal.ts";
import type { RateLimiter } from "../../platform/rate-limit/types.ts";
import { rateLimitHeaders, setHeaders } from "./headers.ts";
import { hostingBucket } from "./keys.ts";
import { HOSTING_LIMIT } from "./limits.ts";

/**
 * Hosting: every `/api/v1/*` request counts, `/api/v1/health` included, against the caller's API
 * key (per IP when unauthenticated), and every response carries the three documented headers.
 */
export async function limitHosting(input: {
  limiter: RateLimiter;
  principal: Principal | null;
  ip: string;
  responseHeaders: Headers;
}): Promise<void> {
  const result = await input.limiter.hit(hostingBucket(input.principal, input.ip), HOSTING_LIMIT);
  const headers = rateLimitHeaders(result);
  setHeaders(input.responseHeaders, headers);
  if (result.allowed) return;
  throw new AppError(
    "RATE_LIMITED",
    `Rate limit exceeded: ${result.limit} requests per minute; retry in ${result.retryAfterSeconds}s`,
    undefined,
    { ...headers, "retry-after": String(result.retryAfterSeconds) },
  );
}
