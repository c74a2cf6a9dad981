import type { RateLimitResult, RateLimitRule, ViolationRule } from "./types.ts";

/**
 * The one place both backends turn a window's count and remaining time into a result.
 * `counted` says whether `count` includes the request being judged (hit) or not (peek).
 */
export function windowResult(
  rule: RateLimitRule,
  count: number,
  msLeft: number,
  nowMs: number,
  counted: boolean,
): RateLimitResult {
  const allowed = counted ? count <= rule.limit : count < rule.limit;
  return {
    allowed,
    limit: rule.limit,
    remaining: Math.max(0, rule.limit - count),
    resetAt: toUnixSeconds(nowMs + msLeft),
    retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil(msLeft / 1000)),
  };
}

/** Rounded up: at the returned second the window (or ban) is over. */
export function toUnixSeconds(ms: number): number {
  return Math.ceil(ms / 1000);
}

export function checkRule(rule: RateLimitRule): void {
  if (!Number.isInteger(rule.limit) || rule.limit < 0) throw new RangeError("limit must be an integer >= 0");
  checkMs("windowMs", rule.windowMs);
}

export function checkViolationRule(rule: ViolationRule): void {
  if (!Number.isInteger(rule.threshold) || rule.threshold < 1) {
    throw new RangeError("threshold must be an integer >= 1");
  }
  checkMs("windowMs", rule.windowMs);
  checkMs("banMs", rule.banMs);
}

export function checkMs(name: string, ms: number): void {
  if (!Number.isInteger(ms) || ms < 1) throw new RangeError(`${name} must be an integer >= 1`);
}
