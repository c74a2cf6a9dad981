import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { RedisClient } from "bun";
import { createRateLimiter, type RateLimiter } from "../../src/platform/rate-limit/index.ts";
import { MemoryRateLimiter } from "../../src/platform/rate-limit/memory.ts";
import { Script } from "../../src/platform/rate-limit/scripts.ts";

const redisUrl = process.env.REDIS_URL || undefined;
// A key prefix of our own, so parallel runs on one Redis never share counters.
const keyPrefix = `test:rl:${crypto.randomUUID()}:`;
const backends = [
  { name: "memory", redisUrl: undefined },
  ...(redisUrl ? [{ name: "redis", redisUrl }] : []),
];

const open: RateLimiter[] = [];
function newLimiter(url: string | undefined): RateLimiter {
  const limiter = createRateLimiter({ redisUrl: url, keyPrefix });
  open.push(limiter);
  return limiter;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((limiter) => limiter.close()));
});

const admin = redisUrl ? new RedisClient(redisUrl) : null;
afterAll(async () => {
  if (!admin) return;
  const keys: unknown = await admin.send("KEYS", [`${keyPrefix}*`]);
  if (Array.isArray(keys) && keys.length > 0) await admin.send("DEL", keys.map(String));
  admin.close();
});

let counter = 0;
/** A key no other test touches. */
const fresh = (name: string) => `${name}:${++counter}`;
const nowSeconds = () => Date.now() / 1000;

for (const backend of backends) {
  describe(`rate limiter (${backend.name})`, () => {
    const rule = { limit: 3, windowMs: 60_000 };

    test("counts down, then denies limit + 1 with Retry-After", async () => {
      const limiter = newLimiter(backend.redisUrl);
      const key = fresh("countdown");
      const results = [];
      for (let i = 0; i < 4; i++) results.push(await limiter.hit(key, rule));
      expect(results.map((r) => [r.allowed, r.remaining, r.retryAfterSeconds])).toEqual([
        [true, 2, 0],
        [true, 1, 0],
        [true, 0, 0],
        [false, 0, 60],
      ]);
      for (const r of results) {
        expect(r.limit).toBe(3);
        expect(r.resetAt).toBeGreaterThan(nowSeconds() + 58);
        expect(r.resetAt).toBeLessThanOrEqual(Math.ceil(nowSeconds() + 60));
      }
      // Every result of one window names the same reset second (give or take rounding).
      const resets = results.map((r) => r.resetAt);
      expect(Math.max(...resets) - Math.min(...resets)).toBeLessThanOrEqual(1);
    });

    test("peek reads without counting", async () => {
      const limiter = newLimiter(backend.redisUrl);
      const key = fresh("peek");
      const before = await limiter.peek(key, rule);
      expect([before.allowed, before.remaining, before.retryAfterSeconds]).toEqual([true, 3, 0]);
      await limiter.hit(key, rule);
      await limiter.hit(key, rule);
      expect((await limiter.peek(key, rule)).remaining).toBe(1);
      expect((await limiter.peek(key, rule)).remaining).toBe(1);
      await limiter.hit(key, rule);
      const full = await limiter.peek(key, rule);
      expect([full.allowed, full.remaining]).toEqual([false, 0]);
      expect(full.retryAfterSeconds).toBeGreaterThan(0);
    });

    test("a new window starts after windowMs", async () => {
      const limiter = newLimiter(backend.redisUrl);
      const key = fresh("window");
      const short = { limit: 2, windowMs: 300 };
      await limiter.hit(key, short);
      await limiter.hit(key, short);
      const denied = await limiter.hit(key, short);
      expect(denied.allowed).toBe(false);
      expect(denied.retryAfterSeconds).toBe(1);
      await Bun.sleep(350);
      const again = await limiter.hit(key, short);
      expect([again.allowed, again.remaining]).toEqual([true, 1]);
    });

    test("reset() forgets a key; keys are independent", async () => {
      const limiter = newLimiter(backend.redisUrl);
      const key = fresh("reset");
      const other = fresh("other");
      for (let i = 0; i < 4; i++) await limiter.hit(key, rule);
      expect((await limiter.hit(other, rule)).remaining).toBe(2);
      await limiter.reset(key);
      expect((await limiter.hit(key, rule)).remaining).toBe(2);
      expect((await limiter.peek(other, rule)).remaining).toBe(2);
    });

    test("concurrent hits never let more than the limit through", async () => {
      const limiter = newLimiter(backend.redisUrl);
      const key = fresh("burst");
      const burst = { limit: 10, windowMs: 60_000 };
      const results = await Promise.all(Array.from({ length: 50 }, () => limiter.hit(key, burst)));
      const allowed = results.filter((r) => r.allowed).map((r) => r.remaining);
      expect(allowed.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    });

    test("a limit of 0 denies everything; bad rules are refused", async () => {
      const limiter = newLimiter(backend.redisUrl);
      expect((await limiter.hit(fresh("zero"), { limit: 0, windowMs: 1000 })).allowed).toBe(false);
      expect(limiter.hit("k", { limit: -1, windowMs: 1000 })).rejects.toThrow(RangeError);
      expect(limiter.hit("k", { limit: 1, windowMs: 0 })).rejects.toThrow(RangeError);
      const noThreshold = { threshold: 0, windowMs: 1, banMs: 1 };
      expect(limiter.recordViolation("k", noThreshold)).rejects.toThrow(RangeError);
      expect(limiter.ban("k", 1.5)).rejects.toThrow(RangeError);
    });

    test("violations up to the threshold ban the key; unban lifts it", async () => {
      const limiter = newLimiter(backend.redisUrl);
      const key = fresh("abuser");
      const rule = { threshold: 3, windowMs: 60_000, banMs: 3_600_000 };
      expect(await limiter.recordViolation(key, rule)).toEqual({ banned: false, violations: 1 });
      expect(await limiter.recordViolation(key, rule)).toEqual({ banned: false, violations: 2 });
      expect(await limiter.isBanned(key)).toBeNull();
      const third = await limiter.recordViolation(key, rule);
      expect(third.banned).toBe(true);
      expect(third.violations).toBe(3);
      expect(third.bannedUntil).toBeGreaterThan(nowSeconds() + 3590);
      expect(third.bannedUntil).toBeLessThanOrEqual(Math.ceil(nowSeconds() + 3600) + 1);
      expect(await limiter.isBanned(key)).toBe(third.bannedUntil!);
      // While banned, more violations neither count nor extend the ban.
      expect(await limiter.recordViolation(key, rule)).toEqual({
        banned: true,
        bannedUntil: third.bannedUntil,
        violations: 0,
      });
      expect(await limiter.listBans("abuser:")).toContainEqual({ key, until: third.bannedUntil! });

      await limiter.unban(key);
      expect(await limiter.isBanned(key)).toBeNull();
      expect(await limiter.listBans("abuser:")).not.toContainEqual(expect.objectContaining({ key }));
      expect(await limiter.recordViolation(key, rule)).toEqual({ banned: false, violations: 1 });
    });

    test("violations outside the window do not add up", async () => {
      const limiter = newLimiter(backend.redisUrl);
      const key = fresh("slow");
      const rule = { threshold: 2, windowMs: 300, banMs: 60_000 };
      expect((await limiter.recordViolation(key, rule)).violations).toBe(1);
      await Bun.sleep(350);
      expect(await limiter.recordViolation(key, rule)).toEqual({ banned: false, violations: 1 });
    });

    test("ban() expires by itself; listBans filters by prefix, soonest first", async () => {
      const limiter = newLimiter(backend.redisUrl);
      const short = fresh("manual");
      const long = fresh("manual");
      const elsewhere = fresh("elsewhere");
      const shortUntil = await limiter.ban(short, 300);
      const longUntil = await limiter.ban(long, 60_000);
      await limiter.ban(elsewhere, 60_000);
      expect(await limiter.isBanned(short)).toBe(shortUntil);
      const bans = await limiter.listBans("manual:");
      expect(bans).toEqual([
        { key: short, until: shortUntil },
        { key: long, until: longUntil },
      ]);
      await Bun.sleep(350);
      expect(await limiter.isBanned(short)).toBeNull();
      expect(await limiter.listBans("manual:")).toEqual([{ key: long, until: longUntil }]);
    });
  });
}

describe.skipIf(!redisUrl)("rate limiter on Redis", () => {
  test("two limiters on one Redis share counts and bans (cross-replica)", async () => {
    const one = newLimiter(redisUrl);
    const two = newLimiter(redisUrl);
    const key = fresh("shared");
    const rule = { limit: 3, windowMs: 60_000 };
    expect((await one.hit(key, rule)).remaining).toBe(2);
    expect((await two.hit(key, rule)).remaining).toBe(1);
    expect((await one.hit(key, rule)).remaining).toBe(0);
    expect((await two.hit(key, rule)).allowed).toBe(false);
    expect((await one.peek(key, rule)).allowed).toBe(false);

    const vrule = { threshold: 2, windowMs: 60_000, banMs: 60_000 };
    await one.recordViolation(key, vrule);
    const banned = await two.recordViolation(key, vrule);
    expect(banned.banned).toBe(true);
    expect(await one.isBanned(key)).toBe(banned.bannedUntil!);
    await one.unban(key);
    expect(await two.isBanned(key)).toBeNull();
  });

  test("a script the server has not seen runs via EVAL, then via EVALSHA", async () => {
    // A unique source is certainly not cached (no global SCRIPT FLUSH on a shared Redis).
    const script = new Script(`return '${crypto.randomUUID()}' .. ARGV[1]`);
    expect(await script.run(admin!, [], ["!"])).toEndWith("!");
    expect(await script.run(admin!, [], ["?"])).toEndWith("?");
  });

  test("window counters carry a TTL in Redis", async () => {
    const limiter = newLimiter(redisUrl);
    const key = fresh("ttl");
    await limiter.hit(key, { limit: 5, windowMs: 10_000 });
    const ttl = Number(await admin!.send("PTTL", [`${keyPrefix}c:${key}`]));
    expect(ttl).toBeGreaterThan(9_000);
    expect(ttl).toBeLessThanOrEqual(10_000);
  });
});

describe("memory rate limiter housekeeping", () => {
  test("expired windows and bans are swept, so memory does not grow", async () => {
    const limiter = new MemoryRateLimiter({ sweepIntervalMs: 50 });
    try {
      for (let i = 0; i < 1000; i++) await limiter.hit(`k${i}`, { limit: 1, windowMs: 100 });
      await limiter.recordViolation("v", { threshold: 5, windowMs: 100, banMs: 100 });
      await limiter.ban("b", 100);
      expect(limiter.size).toBe(1002);
      await Bun.sleep(250);
      expect(limiter.size).toBe(0);
    } finally {
      await limiter.close();
    }
  });
});
