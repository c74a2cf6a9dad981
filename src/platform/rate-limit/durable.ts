import { and, eq, gt, lte, sql } from "drizzle-orm";
import type { Db } from "../../../db/connection.ts";
import { rateLimitBans, rateLimitWindows } from "../../../db/schema/index.ts";
import type {
  BanEntry,
  RateLimiter,
  RateLimitResult,
  RateLimitRule,
  ViolationResult,
  ViolationRule,
} from "./types.ts";
import { checkMs, checkRule, toUnixSeconds, windowResult } from "./window.ts";

export interface DurableOptions {
  db: Db;
  /**
   * Keys whose windows are counted in the database instead of the counting limiter (sign-in
   * lockouts when there is no Redis to keep them across a restart).
   */
  durableWindowPrefixes?: readonly string[];
}

/**
 * Bans kept in the database, counting kept where it is fast. The counting limiter (in-process or
 * Redis) still answers every per-request check, bans included: this wrapper writes each ban
 * (manual or automatic) and unban to the `rate_limit_bans` table as well, and before its first
 * answer refills the counting limiter with the bans in force, so a restart (or a fresh in-process
 * limiter) forgets none. Listing reads the table.
 */
export class DurableBansLimiter implements RateLimiter {
  private loading: Promise<void> | undefined;
  private loaded = false;
  private readonly durablePrefixes: readonly string[];

  constructor(
    private readonly counting: RateLimiter,
    private readonly options: DurableOptions,
  ) {
    this.durablePrefixes = options.durableWindowPrefixes ?? [];
  }

  hit(key: string, rule: RateLimitRule): Promise<RateLimitResult> {
    return this.isDurableWindow(key) ? this.hitDurable(key, rule) : this.counting.hit(key, rule);
  }

  peek(key: string, rule: RateLimitRule): Promise<RateLimitResult> {
    return this.isDurableWindow(key) ? this.peekDurable(key, rule) : this.counting.peek(key, rule);
  }

  async reset(key: string): Promise<void> {
    if (this.isDurableWindow(key)) await this.options.db.delete(rateLimitWindows).where(eq(rateLimitWindows.key, key));
    else await this.counting.reset(key);
  }

  async recordViolation(key: string, rule: ViolationRule): Promise<ViolationResult> {
    await this.ready();
    const result = await this.counting.recordViolation(key, rule);
    // Only the request that crossed the threshold records the ban (the others see violations 0).
    if (result.banned && result.violations > 0 && result.bannedUntil !== undefined) {
      await this.store(key, new Date(result.bannedUntil * 1000), "auto");
    }
    return result;
  }

  async isBanned(key: string): Promise<number | null> {
    if (!this.loaded) await this.ready();
    return this.counting.isBanned(key);
  }

  async ban(key: string, ms: number): Promise<number> {
    checkMs("ms", ms);
    await this.ready();
    const until = Date.now() + ms;
    await this.store(key, new Date(until), "manual");
    await this.counting.ban(key, ms);
    return toUnixSeconds(until);
  }

  async unban(key: string): Promise<void> {
    await this.options.db.delete(rateLimitBans).where(eq(rateLimitBans.key, key));
    await this.counting.unban(key);
  }

  async listBans(prefix = ""): Promise<BanEntry[]> {
    const rows = await this.options.db
      .select({ key: rateLimitBans.key, until: rateLimitBans.until })
      .from(rateLimitBans)
      .where(and(gt(rateLimitBans.until, sql`now()`), prefix ? sql`starts_with(${rateLimitBans.key}, ${prefix})` : undefined))
      .orderBy(rateLimitBans.until);
    return rows.map((row) => ({ key: row.key, until: toUnixSeconds(row.until.getTime()) }));
  }

  close(): Promise<void> {
    return this.counting.close();
  }

  private isDurableWindow(key: string): boolean {
    return this.durablePrefixes.some((prefix) => key.startsWith(prefix));
  }

  /** Refills the counting limiter with the bans in force, once; a failed load is retried by the next caller. */
  private ready(): Promise<void> {
    if (this.loaded) return Promise.resolve();
    this.loading ??= this.load().then(
      () => {
        this.loaded = true;
      },
      (error: unknown) => {
        this.loading = undefined;
        throw error;
      },
    );
    return this.loading;
  }

  private async load(): Promise<void> {
    const { db } = this.options;
    await db.delete(rateLimitBans).where(lte(rateLimitBans.until, sql`now()`));
    await db.delete(rateLimitWindows).where(lte(rateLimitWindows.expiresAt, sql`now()`));
    const bans = await db.select({ key: rateLimitBans.key, until: rateLimitBans.until }).from(rateLimitBans);
    for (const ban of bans) {
      const left = ban.until.getTime() - Date.now();
      if (left >= 1) await this.counting.ban(ban.key, Math.ceil(left));
    }
  }

  private async store(key: string, until: Date, kind: "auto" | "manual"): Promise<void> {
    await this.options.db
      .insert(rateLimitBans)
      .values({ key, until, kind })
      .onConflictDoUpdate({ target: rateLimitBans.key, set: { until, kind, createdAt: sql`now()` } });
  }

  /** One statement: a live window counts up, an expired or missing one starts again at 1. */
  private async hitDurable(key: string, rule: RateLimitRule): Promise<RateLimitResult> {
    checkRule(rule);
    const live = sql`${rateLimitWindows.expiresAt} > now()`;
    const [row] = await this.options.db
      .insert(rateLimitWindows)
      .values({ key, count: 1, expiresAt: sql`now() + make_interval(secs => ${rule.windowMs / 1000})` })
      .onConflictDoUpdate({
        target: rateLimitWindows.key,
        set: {
          count: sql`case when ${live} then ${rateLimitWindows.count} + 1 else 1 end`,
          expiresAt: sql`case when ${live} then ${rateLimitWindows.expiresAt} else now() + make_interval(secs => ${rule.windowMs / 1000}) end`,
        },
      })
      .returning({ count: rateLimitWindows.count, msLeft: sql<number>`floor(extract(epoch from ${rateLimitWindows.expiresAt} - now()) * 1000)::float8` });
    const now = Date.now();
    return windowResult(rule, row?.count ?? 1, Math.max(1, Number(row?.msLeft ?? rule.windowMs)), now, true);
  }

  private async peekDurable(key: string, rule: RateLimitRule): Promise<RateLimitResult> {
    checkRule(rule);
    const [row] = await this.options.db
      .select({ count: rateLimitWindows.count, msLeft: sql<number>`floor(extract(epoch from ${rateLimitWindows.expiresAt} - now()) * 1000)::float8` })
      .from(rateLimitWindows)
      .where(and(eq(rateLimitWindows.key, key), gt(rateLimitWindows.expiresAt, sql`now()`)));
    const now = Date.now();
    if (!row) return windowResult(rule, 0, rule.windowMs, now, false);
    return windowResult(rule, row.count, Math.max(1, Number(row.msLeft)), now, false);
  }
}
