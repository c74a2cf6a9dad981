import type { RateLimiter, RateLimitResult, RateLimitRule } from "../../src/platform/rate-limit/types.ts";

/**
 * The real limiter, except that every hit is within its limit: for differential tests that call
 * one thing two ways, where a window that turned between the two calls would make the answers
 * differ for a reason that is not the call path. The limits have their own tests.
 */
export function admitting(real: RateLimiter): RateLimiter {
  const allowed = async (_key: string, rule: RateLimitRule): Promise<RateLimitResult> => ({
    allowed: true,
    limit: rule.limit,
    remaining: rule.limit,
    resetAt: 0,
    retryAfterSeconds: 0,
  });
  return {
    hit: allowed,
    peek: allowed,
    reset: (key) => real.reset(key),
    recordViolation: (key, rule) => real.recordViolation(key, rule),
    isBanned: (key) => real.isBanned(key),
    ban: (key, ms) => real.ban(key, ms),
    unban: (key) => real.unban(key),
    listBans: (prefix) => real.listBans(prefix),
    close: async () => {},
  };
}
