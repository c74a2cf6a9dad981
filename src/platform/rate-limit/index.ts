import { MemoryRateLimiter } from "./memory.ts";
import { RedisRateLimiter } from "./redis.ts";
import type { RateLimiter } from "./types.ts";

export type {
  BanEntry,
  RateLimiter,
  RateLimitResult,
  RateLimitRule,
  ViolationResult,
  ViolationRule,
} from "./types.ts";

export interface RateLimiterOptions {
  /** Set: counters and bans in Redis, shared by every replica. Unset: in-process. */
  redisUrl?: string;
  /** Prefix of every Redis key (default `rl:`). */
  keyPrefix?: string;
}

/** The one place that picks the rate-limit backend. */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  if (options.redisUrl) {
    return new RedisRateLimiter({ url: options.redisUrl, keyPrefix: options.keyPrefix ?? "rl:" });
  }
  return new MemoryRateLimiter();
}
