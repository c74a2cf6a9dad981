import { CommandConnection } from "../redis-connection.ts";
import { BAN, BAN_END, HIT, LIST_BANS, PEEK, UNBAN, VIOLATION } from "./scripts.ts";
import type {
  BanEntry,
  RateLimiter,
  RateLimitResult,
  RateLimitRule,
  ViolationResult,
  ViolationRule,
} from "./types.ts";
import { checkMs, checkRule, checkViolationRule, toUnixSeconds, windowResult } from "./window.ts";

/**
 * Redis limiter: keys `${prefix}c:${key}` (window counters, expiring with the window),
 * `${prefix}v:${key}` (violation counters) and `${prefix}bans` (sorted set of ban ends).
 * Every operation is one script, so concurrent replicas never double-count or race a ban.
 */
export class RedisRateLimiter implements RateLimiter {
  private readonly connection: CommandConnection;
  private readonly bansKey: string;

  constructor(private readonly options: { url: string; keyPrefix: string }) {
    this.connection = new CommandConnection(options.url);
    this.bansKey = `${options.keyPrefix}bans`;
  }

  async hit(key: string, rule: RateLimitRule): Promise<RateLimitResult> {
    checkRule(rule);
    const reply = list(await HIT.run(await this.client(), [this.counterKey(key)], [rule.windowMs]));
    return windowResult(rule, int(reply[0]), int(reply[1]), Date.now(), true);
  }

  async peek(key: string, rule: RateLimitRule): Promise<RateLimitResult> {
    checkRule(rule);
    const reply = list(await PEEK.run(await this.client(), [this.counterKey(key)], []));
    const count = int(reply[0]);
    const left = int(reply[1]);
    return windowResult(rule, left > 0 ? count : 0, left > 0 ? left : rule.windowMs, Date.now(), false);
  }

  async reset(key: string): Promise<void> {
    await (await this.client()).send("DEL", [this.counterKey(key)]);
  }

  async recordViolation(key: string, rule: ViolationRule): Promise<ViolationResult> {
    checkViolationRule(rule);
    const reply = list(
      await VIOLATION.run(
        await this.client(),
        [this.violationKey(key), this.bansKey],
        [key, rule.windowMs, rule.threshold, rule.banMs],
      ),
    );
    const violations = int(reply[2]);
    if (int(reply[0]) !== 1) return { banned: false, violations };
    return { banned: true, bannedUntil: toUnixSeconds(int(reply[1])), violations };
  }

  async isBanned(key: string): Promise<number | null> {
    const ends = int(await BAN_END.run(await this.client(), [this.bansKey], [key]));
    return ends > 0 ? toUnixSeconds(ends) : null;
  }

  async ban(key: string, ms: number): Promise<number> {
    checkMs("ms", ms);
    const ends = int(await BAN.run(await this.client(), [this.bansKey], [key, ms]));
    return toUnixSeconds(ends);
  }

  async unban(key: string): Promise<void> {
    await UNBAN.run(await this.client(), [this.bansKey, this.violationKey(key)], [key]);
  }

  async listBans(prefix = ""): Promise<BanEntry[]> {
    const reply = list(await LIST_BANS.run(await this.client(), [this.bansKey], []));
    const bans: BanEntry[] = [];
    for (let i = 0; i + 1 < reply.length; i += 2) {
      const key = String(reply[i]);
      if (key.startsWith(prefix)) bans.push({ key, until: toUnixSeconds(int(reply[i + 1])) });
    }
    return bans;
  }

  async close(): Promise<void> {
    this.connection.close();
  }

  private client() {
    return this.connection.get();
  }

  private counterKey(key: string): string {
    return `${this.options.keyPrefix}c:${key}`;
  }

  private violationKey(key: string): string {
    return `${this.options.keyPrefix}v:${key}`;
  }
}

// Script replies are integers (or, from ZRANGE WITHSCORES, numeric strings); anything else is a
// protocol surprise worth failing loudly on.
function list(reply: unknown): unknown[] {
  if (!Array.isArray(reply)) throw new Error("unexpected reply from Redis");
  return reply;
}

function int(value: unknown): number {
  const number = typeof value === "number" ? value : typeof value === "string" ? Number(value) : NaN;
  if (!Number.isFinite(number)) throw new Error("unexpected reply from Redis");
  return number;
}
