import { AppError } from "../errors.ts";
import { rateLimitHeaders, setHeaders } from "./headers.ts";
import { type CountedCaller, credentialBucket } from "./keys.ts";
import type { RateLimiter, RateLimitRule } from "./types.ts";

/**
 * A `per-credential` surface policy (hosting: every `/api/v1/*` request, `/api/v1/health`
 * included): counted against the caller's API key (per IP when unauthenticated), and every
 * response carries the three documented headers.
 */
export async function limitPerCredential(input: {
  limiter: RateLimiter;
  scope: string;
  rule: RateLimitRule;
  principal: CountedCaller | null;
  ip: string;
  responseHeaders: Headers;
}): Promise<void> {
  const result = await input.limiter.hit(credentialBucket(input.scope, input.principal, input.ip), input.rule);
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
