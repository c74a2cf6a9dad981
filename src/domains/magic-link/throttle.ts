import { AppError } from "../../platform/errors.ts";
import type { RateLimiter, RateLimitRule } from "../../platform/rate-limit/index.ts";
import { canonicalIp } from "../../platform/rate-limit/keys.ts";

const HOUR = 3_600_000;
/**
 * Sign-in links requested per e-mail address, and sign-ups per client IP: magic-link requests and
 * password registrations (password-auth/register.ts) spend the same per-IP budget.
 */
export const SIGNUP_LIMITS = {
  email: { limit: 5, windowMs: HOUR },
  ip: { limit: 30, windowMs: HOUR },
} satisfies Record<string, RateLimitRule>;

export function signupThrottleKeys(input: { email: string; ip: string }): { email: string; ip: string } {
  return { email: `magic-link:email:${input.email}`, ip: `signup:ip:${canonicalIp(input.ip)}` };
}

/** Counts one sign-up from this client address; 429 with Retry-After when its budget is spent. */
export async function throttleSignupAddress(limiter: RateLimiter, ip: string): Promise<void> {
  await spend(limiter, signupThrottleKeys({ email: "", ip }).ip, SIGNUP_LIMITS.ip, "Too many sign-up requests from this address");
}

/** Counts one sign-in link request against both limits; 429 with Retry-After when either is spent. */
export async function throttleSignup(limiter: RateLimiter, input: { email: string; ip: string }): Promise<void> {
  // IP first, so one address spraying many e-mails does not also burn each address's budget.
  await throttleSignupAddress(limiter, input.ip);
  await spend(limiter, signupThrottleKeys(input).email, SIGNUP_LIMITS.email, "Too many sign-in requests for this e-mail");
}

async function spend(limiter: RateLimiter, key: string, rule: RateLimitRule, message: string): Promise<void> {
  const result = await limiter.hit(key, rule);
  if (result.allowed) return;
  throw new AppError("RATE_LIMITED", `${message}; try again in ${result.retryAfterSeconds}s`, undefined, {
    "retry-after": String(result.retryAfterSeconds),
    "x-ratelimit-limit": String(result.limit),
    "x-ratelimit-remaining": String(result.remaining),
    "x-ratelimit-reset": String(result.resetAt),
  });
}
