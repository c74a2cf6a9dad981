import { AppError } from "../../platform/errors.ts";
import type { RateLimiter, RateLimitRule } from "../../platform/rate-limit/index.ts";

/**
 * Password sign-in throttling. Per account: 5 attempts in 15 minutes, counted before the password
 * is checked (so parallel guesses cannot overshoot) and forgotten on success. Per IP: 30 failures
 * in 15 minutes. Unknown logins are throttled by the login string, so probing costs the same.
 */
export const ACCOUNT_RULE: RateLimitRule = { limit: 5, windowMs: 15 * 60_000 };
export const IP_RULE: RateLimitRule = { limit: 30, windowMs: 15 * 60_000 };

export interface LoginThrottleKeys {
  account: string;
  ip: string;
}

export function loginThrottleKeys(input: { account: string; ip: string }): LoginThrottleKeys {
  return { account: `auth:login:account:${input.account}`, ip: `auth:login:ip:${input.ip}` };
}

function throttled(retryAfterSeconds: number): AppError {
  const seconds = String(Math.max(1, retryAfterSeconds));
  return new AppError("RATE_LIMITED", "Too many sign-in attempts; try again later", undefined, { "retry-after": seconds });
}

/** Throws 429 (with Retry-After) when the IP or the account is over its budget; counts the attempt. */
export async function admitLoginAttempt(limiter: RateLimiter, keys: LoginThrottleKeys): Promise<void> {
  const ip = await limiter.peek(keys.ip, IP_RULE);
  if (!ip.allowed) throw throttled(ip.retryAfterSeconds);
  const account = await limiter.hit(keys.account, ACCOUNT_RULE);
  if (!account.allowed) throw throttled(account.retryAfterSeconds);
}

export async function recordLoginFailure(limiter: RateLimiter, keys: LoginThrottleKeys): Promise<void> {
  await limiter.hit(keys.ip, IP_RULE);
}

export async function clearLoginFailures(limiter: RateLimiter, keys: LoginThrottleKeys): Promise<void> {
  await limiter.reset(keys.account);
}
