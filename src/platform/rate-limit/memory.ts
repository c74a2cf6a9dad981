import type {
  BanEntry,
  RateLimiter,
  RateLimitResult,
  RateLimitRule,
  ViolationResult,
  ViolationRule,
} from "./types.ts";
import { checkMs, checkRule, checkViolationRule, toUnixSeconds, windowResult } from "./window.ts";

interface Window {
  count: number;
  expiresAt: number;
}

/** In-process limiter for a single process. A timer sweeps expired windows and bans. */
export class MemoryRateLimiter implements RateLimiter {
  private readonly counters = new Map<string, Window>();
  private readonly violations = new Map<string, Window>();
  private readonly bans = new Map<string, number>();
  private readonly sweeper: ReturnType<typeof setInterval>;

  constructor(options: { sweepIntervalMs?: number } = {}) {
    this.sweeper = setInterval(() => this.sweep(), options.sweepIntervalMs ?? 10_000);
    // Never keep the process alive just for sweeping.
    this.sweeper.unref();
  }

  async hit(key: string, rule: RateLimitRule): Promise<RateLimitResult> {
    checkRule(rule);
    const now = Date.now();
    const window = this.current(this.counters, key, rule.windowMs, now);
    window.count++;
    return windowResult(rule, window.count, window.expiresAt - now, now, true);
  }

  async peek(key: string, rule: RateLimitRule): Promise<RateLimitResult> {
    checkRule(rule);
    const now = Date.now();
    const window = live(this.counters.get(key), now);
    if (!window) return windowResult(rule, 0, rule.windowMs, now, false);
    return windowResult(rule, window.count, window.expiresAt - now, now, false);
  }

  async reset(key: string): Promise<void> {
    this.counters.delete(key);
  }

  async recordViolation(key: string, rule: ViolationRule): Promise<ViolationResult> {
    checkViolationRule(rule);
    const now = Date.now();
    const until = this.banEnd(key, now);
    if (until !== null) return { banned: true, bannedUntil: toUnixSeconds(until), violations: 0 };
    const window = this.current(this.violations, key, rule.windowMs, now);
    window.count++;
    if (window.count < rule.threshold) return { banned: false, violations: window.count };
    const end = now + rule.banMs;
    this.bans.set(key, end);
    this.violations.delete(key);
    return { banned: true, bannedUntil: toUnixSeconds(end), violations: window.count };
  }

  async isBanned(key: string): Promise<number | null> {
    const until = this.banEnd(key, Date.now());
    return until === null ? null : toUnixSeconds(until);
  }

  async ban(key: string, ms: number): Promise<number> {
    checkMs("ms", ms);
    const end = Date.now() + ms;
    this.bans.set(key, end);
    return toUnixSeconds(end);
  }

  async unban(key: string): Promise<void> {
    this.bans.delete(key);
    this.violations.delete(key);
  }

  async listBans(prefix = ""): Promise<BanEntry[]> {
    const now = Date.now();
    const entries: { key: string; end: number }[] = [];
    for (const [key, end] of this.bans) {
      if (end > now && key.startsWith(prefix)) entries.push({ key, end });
    }
    entries.sort((a, b) => a.end - b.end);
    return entries.map(({ key, end }) => ({ key, until: toUnixSeconds(end) }));
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.counters.clear();
    this.violations.clear();
    this.bans.clear();
  }

  /** Entries held (windows, violation windows, bans), expired or not: for leak tests. */
  get size(): number {
    return this.counters.size + this.violations.size + this.bans.size;
  }

  /** Drops every expired window and ban. */
  sweep(now = Date.now()): void {
    for (const [key, window] of this.counters) if (window.expiresAt <= now) this.counters.delete(key);
    for (const [key, window] of this.violations) if (window.expiresAt <= now) this.violations.delete(key);
    for (const [key, end] of this.bans) if (end <= now) this.bans.delete(key);
  }

  private current(map: Map<string, Window>, key: string, windowMs: number, now: number): Window {
    const existing = live(map.get(key), now);
    if (existing) return existing;
    const fresh: Window = { count: 0, expiresAt: now + windowMs };
    map.set(key, fresh);
    return fresh;
  }

  private banEnd(key: string, now: number): number | null {
    const end = this.bans.get(key);
    if (end === undefined) return null;
    if (end > now) return end;
    this.bans.delete(key);
    return null;
  }
}

function live(window: Window | undefined, now: number): Window | undefined {
  return window && window.expiresAt > now ? window : undefined;
}
