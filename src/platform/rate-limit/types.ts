/**
 * Fixed-window rate limits and temporary bans.
 *
 * Implementations, chosen in `createRateLimiter` (index.ts):
 * - memory.ts: in-process maps, the default on a single machine; expired entries are swept.
 * - redis.ts: Redis via `REDIS_URL`, each operation one Lua script, so replicas share counts.
 * - durable.ts: wraps either; bans (and, without Redis, chosen windows) kept in the database.
 *
 * A window starts at the first hit of a key and lasts `windowMs`. Counters are per key, not per
 * rule: give different rules different keys.
 */
export interface RateLimitRule {
  limit: number;
  windowMs: number;
}

/** Enough for `X-RateLimit-Limit`, `X-RateLimit-Remaining`, `X-RateLimit-Reset` and `Retry-After`. */
export interface RateLimitResult {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Unix seconds when the window resets. */
  resetAt: number;
  /** 0 when allowed; otherwise whole seconds until the window resets (at least 1). */
  retryAfterSeconds: number;
}

export interface ViolationRule {
  /** Violations within `windowMs` that trigger a ban. */
  threshold: number;
  windowMs: number;
  banMs: number;
}

export interface ViolationResult {
  banned: boolean;
  /** Unix seconds when the ban ends; set when banned. */
  bannedUntil?: number;
  /** Violations counted in the current window; 0 when the key was already banned (not counted). */
  violations: number;
}

export interface BanEntry {
  key: string;
  /** Unix seconds when the ban ends. */
  until: number;
}

export interface RateLimiter {
  /** Counts one request and says whether it is within the limit. */
  hit(key: string, rule: RateLimitRule): Promise<RateLimitResult>;
  /** The state without counting; `allowed` says whether a hit now would pass. */
  peek(key: string, rule: RateLimitRule): Promise<RateLimitResult>;
  /** Forgets the key's window counter. */
  reset(key: string): Promise<void>;

  /** Counts a violation; reaching the threshold within the window bans the key for `banMs`. */
  recordViolation(key: string, rule: ViolationRule): Promise<ViolationResult>;
  /** Unix seconds when the key's ban ends, or null when it is not banned. */
  isBanned(key: string): Promise<number | null>;
  /** Bans the key for `ms` from now (replacing any ban); returns the end in Unix seconds. */
  ban(key: string, ms: number): Promise<number>;
  /** Lifts the ban and forgets the key's violations. */
  unban(key: string): Promise<void>;
  /** Current bans, soonest to end first; only keys starting with `prefix` when given. */
  listBans(prefix?: string): Promise<BanEntry[]>;

  close(): Promise<void>;
}
