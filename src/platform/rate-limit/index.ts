import type { Db } from "../../../db/connection.ts";
import { DurableBansLimiter } from "./durable.ts";
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
  /** Set: bans are also kept in this database and survive restarts (see durable.ts). */
  db?: Db;
  /** Without Redis, windows of keys with these prefixes are counted in `db` so they survive restarts. */
  durableWindowPrefixes?: readonly string[];
}

/** The one place that picks the rate-limit backend. */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const counting = options.redisUrl
    ? new RedisRateLimiter({ url: options.redisUrl, keyPrefix: options.keyPrefix ?? "rl:" })
    : new MemoryRateLimiter();
  if (!options.db) return counting;
  // Redis keeps its windows across a process restart; the in-process limiter needs the database for them.
  const durableWindowPrefixes = options.redisUrl ? [] : (options.durableWindowPrefixes ?? []);
  return new DurableBansLimiter(counting, { db: options.db, durableWindowPrefixes });
}
