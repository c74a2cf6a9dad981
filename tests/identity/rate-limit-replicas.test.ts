import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createUserWithKey } from "../support/factories.ts";
import { startTestPlatform, type TestPlatform } from "../support/harness.ts";
import { banList, computeFixtureRouter, freshIp, fromIp } from "../support/identity-helpers.ts";

/**
 * Two replicas sharing Redis enforce one budget and one ban list. Needs REDIS_URL: without it
 * each process counts alone, which is what a single in-process replica means.
 */
const redis = Boolean(process.env.REDIS_URL);

let a: TestPlatform;
let b: TestPlatform;
const bans = banList();
beforeAll(async () => {
  if (!redis) return;
  const env = { TRUSTED_PROXIES: "127.0.0.1" };
  a = await startTestPlatform({ env, router: computeFixtureRouter });
  b = await startTestPlatform({ env, router: computeFixtureRouter, database: a.database });
});
afterAll(async () => {
  if (!redis) return;
  await bans.liftAll(a);
  await b.stop();
  await a.stop();
});

async function status(t: TestPlatform, path: string, ip: string, init: RequestInit = {}): Promise<number> {
  const res = await t.request(path, fromIp(ip, init));
  await res.arrayBuffer();
  return res.status;
}

describe.skipIf(!redis)("limits across replicas sharing Redis", () => {
  test("compute: 3 wallet generations per minute in total, whichever replica answers", async () => {
    const ip = freshIp();
    const post = { method: "POST" };
    const statuses = [
      await status(a, "/agents/generate-wallet", ip, post),
      await status(b, "/agents/generate-wallet", ip, post),
      await status(a, "/agents/generate-wallet", ip, post),
      await status(b, "/agents/generate-wallet", ip, post),
      await status(a, "/agents/generate-wallet", ip, post),
    ];
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
  });

  test("hosting: one key's 100 per minute is shared", async () => {
    const { key } = await createUserWithKey(a);
    const ip = freshIp();
    const headers = { authorization: `Bearer ${key}` };
    for (let i = 0; i < 50; i++) {
      expect(await status(a, "/api/v1/health", ip, { headers })).toBe(200);
      expect(await status(b, "/api/v1/health", ip, { headers })).toBe(200);
    }
    expect(await status(a, "/api/v1/health", ip, { headers })).toBe(429);
    expect(await status(b, "/api/v1/health", ip, { headers })).toBe(429);
  });

  test("an auto-ban earned on A is enforced on B; an unban on B lifts it on A", async () => {
    const ip = bans.add(freshIp());
    const post = { method: "POST" };
    for (let i = 0; i < 13; i++) await status(i % 2 ? a : b, "/agents/generate-wallet", ip, post);
    expect(await status(b, "/agents/generate-wallet", ip, post)).toBe(403);
    expect(await status(a, "/agents/generate-wallet", ip, post)).toBe(403);

    const { key } = await createUserWithKey(a, { role: "admin" });
    const auth = { authorization: `Bearer ${key}` };
    const list = await b.request("/admin/bans", { headers: { ...auth, "x-forwarded-for": freshIp() } });
    expect(((await list.json()) as { bans: { ip: string }[] }).bans.map((x) => x.ip)).toContain(ip);
    expect(await status(b, `/admin/bans/${ip}`, freshIp(), { method: "DELETE", headers: auth })).toBe(200);
    expect(await status(a, "/agents/generate-wallet", ip, post)).toBe(200);
  });
});
