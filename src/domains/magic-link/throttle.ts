import { AppError } from "../../platform/errors.ts";
import type { RateLimiter, RateLimitRule } from "../../platform/rate-limit/index.ts";
import { canonicalIp } from "../rate-limits/keys.ts";

const HOUR = 3_600_000;
/** Sign-in links requested per e-mail address and per client IP. */
export const SIGNUP_LIMITS = {
  email: { limit: 5, windowMs: HOUR },
  ip: { limit: 30, windowMs: HOUR },
} satisfies Record<string, RateLimitRule>;

export function signupThrottleKeys(input: { email: string; ip: string }): { email: string; ip: string } {
  return { email: `magic-link:email:${input.email}`, ip: `magic-link:ip:${canonicalIp(input.ip)}` };
}

/** Counts one sign-up request against both limits; 429 with Retry-After when either is spent. */
export async function throttleSignup(limiter: RateLimiter, input: { email: string; ip: string }): Promise<void> {
  const keys = signupThrottleKeys(input);
  // IP first, so one address spraying many e-mails does not also burn each address's budget.
  for (const scope of ["ip", "email"] as const) {
    const result = await limiter.hit(keys[scope], SIGNUP_LIMITS[scope]);
    if (!result.allowed) {
      throw new AppError(
        "RATE_LIMITED",
        `Too many sign-in requests for this ${scope === "ip" ? "address" : "e-mail"}; try again in ${result.retryAfterSeconds}s`,
        undefined,
        {
          "retry-after": String(result.retryAfterSeconds),
          "x-ratelimit-limit": String(result.limit),
          "x-ratelimit-remaining": String(result.remaining),
          "x-ratelimit-reset": String(result.resetAt),
        },
      );
    }
  }
}
