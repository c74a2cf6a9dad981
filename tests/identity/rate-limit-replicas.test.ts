import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { z } from "zod";
import { appRouter } from "../../src/router.ts";
import { router } from "../../src/trpc/init.ts";
import { publicProcedure } from "../../src/trpc/procedures.ts";
import { createUserWithKey } from "../support/factories.ts";
import { startTestPlatform, type TestPlatform } from "../support/harness.ts";

/**
 * Two replicas sharing Redis enforce one budget and one ban list. Needs REDIS_URL: without it
 * each process counts alone, which is what a single in-process replica means.
 */
const redis = Boolean(process.env.REDIS_URL);

const fixtures = router({
  health: appRouter._def.record.health,
  admin: appRouter._def.record.admin,
  fixture: router({
    generateWallet: publicProcedure
      .meta({ rest: { method: "POST", path: "/agents/generate-wallet", surface: "compute" } })
      .input(z.object({}).optional())
      .mutation(() => ({ address: "0x0000000000000000000000000000000000000002" })),
  }),
});

let a: TestPlatform;
let b: TestPlatform;
const banned: string[] = [];
beforeAll(async () => {
  if (!redis) return;
  const env = { TRUSTED_PROXIES: "127.0.0.1" };
  a = await startTestPlatform({ env, router: fixtures });
  b = await startTestPlatform({ env, router: fixtures, database: a.database });
});
afterAll(async () => {
  if (!redis) return;
  for (const ip of banned) await a.platform.services.limiter.unban(`ip:${ip}`);
  await b.stop();
  await a.stop();
});

let ipCounter = 0;
function freshIp(): string {
  const [x, y] = crypto.getRandomValues(new Uint8Array(2));
  return `198.18.${x}.${(((y ?? 0) + ++ipCounter) % 254) + 1}`;
}

async function status(t: TestPlatform, path: string, ip: string, init: RequestInit = {}): Promise<number> {
  const res = await t.request(path, { ...init, headers: { ...(init.headers as Record<string, string>), "x-forwarded-for": ip } });
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
    const ip = freshIp();
    banned.push(ip);
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
