import { RedisClient } from "bun";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { appRouter } from "../../src/router.ts";
import { router } from "../../src/trpc/init.ts";
import { createUserWithKey } from "../support/factories.ts";
import { json, startTestPlatform, type TestPlatform } from "../support/harness.ts";
import { banList, computeFixtureRouter, freshIp, fromIp } from "../support/identity-helpers.ts";

/**
 * Finding 12: bans (automatic and manual) and sign-in lockouts outlive a restart. The first
 * platform stops keeping its database; the second starts on that database with a limiter that
 * has never seen a ban (in-process by default; with Redis, after the bans' key is deleted, as if
 * Redis had lost them), so whatever bans it still enforces came from the database. Lockouts are
 * counted in the database without Redis, in Redis with it.
 */
const routes = router({ ...computeFixtureRouter._def.record, auth: appRouter._def.record.auth });
const PASSWORD = "correct horse battery staple";

let first: TestPlatform;
let second: TestPlatform | undefined;
const bans = banList();
beforeAll(async () => {
  first = await startTestPlatform({ env: { TRUSTED_PROXIES: "127.0.0.1" }, router: routes });
});
afterAll(async () => {
  if (second) {
    await bans.liftAll(second);
    await second.stop();
  }
  await first.stop();
});

async function status(t: TestPlatform, path: string, init: RequestInit): Promise<number> {
  const res = await t.request(path, init);
  await res.arrayBuffer();
  return res.status;
}

const login = (t: TestPlatform, ip: string, username: string, password: string) =>
  status(t, "/api/auth/login", fromIp(ip, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username, password }) }));

describe("a restart on the same database", () => {
  test("keeps auto-bans, manual bans and sign-in lockouts; an admin behind a banned IP can still unban", async () => {
    const { key: adminKey } = await createUserWithKey(first, { role: "admin" });
    const admin = (ip: string, init: RequestInit = {}) =>
      fromIp(ip, { ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${adminKey}` } });

    // An automatic ban: 3 allowed wallet generations, then 10 violations.
    const autoBanned = bans.add(freshIp());
    for (let i = 0; i < 13; i++) await status(first, "/agents/generate-wallet", fromIp(autoBanned, { method: "POST" }));
    expect(await status(first, "/tiers", fromIp(autoBanned))).toBe(403);

    // A manual ban.
    const manuallyBanned = bans.add(freshIp());
    const body = JSON.stringify({ ip: manuallyBanned, duration_minutes: 30 });
    expect(await status(first, "/admin/bans", admin(freshIp(), { method: "POST", headers: { "content-type": "application/json" }, body }))).toBe(201);

    // A sign-in lockout: 5 wrong passwords lock the account, the right one is then refused too.
    const username = `lockout${Date.now().toString(36)}`;
    const { user } = await createUserWithKey(first, { password: PASSWORD, username });
    expect(user.username).toBe(username);
    for (let i = 0; i < 5; i++) expect(await login(first, freshIp(), username, "wrong password")).toBe(401);
    expect(await login(first, freshIp(), username, PASSWORD)).toBe(429);

    await first.platform.stop({ keepDatabase: true });
    if (process.env.REDIS_URL) {
      const redis = new RedisClient(process.env.REDIS_URL);
      await redis.send("DEL", [`${first.platform.services.config.redisPrefix}rl:bans`]);
      redis.close();
    }
    second = await startTestPlatform({ database: first.database, router: routes, env: { TRUSTED_PROXIES: "127.0.0.1" } });

    expect(await status(second, "/tiers", fromIp(autoBanned))).toBe(403);
    expect(await status(second, "/tiers", fromIp(manuallyBanned))).toBe(403);
    expect(await status(second, "/health", fromIp(autoBanned))).toBe(200);
    expect(await login(second, freshIp(), username, PASSWORD)).toBe(429);

    const listed = await json<{ bans: { ip: string; until: string }[] }>(await second.request("/admin/bans", admin(autoBanned)));
    expect(listed.bans.map((b) => b.ip).sort()).toEqual([autoBanned, manuallyBanned].sort());
    const manual = listed.bans.find((b) => b.ip === manuallyBanned);
    expect(Date.parse(manual?.until ?? "")).toBeGreaterThan(Date.now() + 25 * 60_000);

    // The admin is behind the auto-banned address and lifts its ban.
    expect(await json(await second.request(`/admin/bans/${autoBanned}`, admin(autoBanned, { method: "DELETE" })))).toEqual({ ip: autoBanned, removed: true });
    expect(await status(second, "/tiers", fromIp(autoBanned))).toBe(200);
    expect(await status(second, "/tiers", fromIp(manuallyBanned))).toBe(403);
  }, 60_000);
});
