import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { queryAudit } from "../../src/domains/audit/service.ts";
import { AUTO_BAN, COMPUTE_LIMITS, computeRouteFor } from "../../src/surfaces/compute.ts";
import { createUserWithKey } from "../support/factories.ts";
import { json, startTestPlatform, type TestPlatform } from "../support/harness.ts";
import { banList, computeFixtureRouter, freshIp, fromIp } from "../support/identity-helpers.ts";

/**
 * Compute (document 004): per IP and endpoint, auto-ban after 10 violations in an hour. The real
 * compute routes belong to the compute domain; fixtures stand in for two of them (/tiers, wallets).
 */

let t: TestPlatform;
let adminKey: string;
const bans = banList();
beforeAll(async () => {
  t = await startTestPlatform({ env: { TRUSTED_PROXIES: "127.0.0.1" }, router: computeFixtureRouter });
  adminKey = (await createUserWithKey(t, { role: "admin" })).key;
});
afterAll(async () => {
  // Leave no ban behind on a shared Redis.
  await bans.liftAll(t);
  await t.stop();
});

const wallet = (ip: string) => t.request("/agents/generate-wallet", fromIp(ip, { method: "POST" }));
const asAdmin = (ip: string, init: RequestInit = {}) =>
  fromIp(ip, { ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${adminKey}` } });

async function drain(res: Response): Promise<Response> {
  await res.arrayBuffer();
  return res;
}

/** Spends the 3/min wallet budget and then `violations` more requests, each a 429. */
async function violate(ip: string, violations: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < 3 + violations; i++) statuses.push((await drain(await wallet(ip))).status);
  return statuses;
}

describe("the table", () => {
  test("limits as documented, keyed by route template whatever the parameter is called", () => {
    expect(COMPUTE_LIMITS).toEqual({
      "/health": null,
      "/tiers": { limit: 100, windowMs: 60_000 },
      "/credentials/:tokenId": { limit: 30, windowMs: 3_600_000 },
      "/vms/:address": { limit: 30, windowMs: 60_000 },
      "/status/:tokenId": { limit: 100, windowMs: 60_000 },
      "/agents/generate-wallet": { limit: 3, windowMs: 60_000 },
      "/admin/*": { limit: 20, windowMs: 60_000 },
    });
    expect(AUTO_BAN).toEqual({ threshold: 10, windowMs: 3_600_000, banMs: 3_600_000 });
    expect(computeRouteFor("/credentials/{token_id}")).toMatchObject({ pattern: "/credentials/:tokenId", rule: { limit: 30 } });
    expect(computeRouteFor("/status/:id").pattern).toBe("/status/:tokenId");
    expect(computeRouteFor("/admin/bans/:ip")).toMatchObject({ pattern: "/admin/*", rule: { limit: 20 }, banExempt: false, admin: true });
    expect(computeRouteFor("/health")).toEqual({ pattern: "/health", rule: null, banExempt: true, admin: false });
    expect(computeRouteFor("/x402/purchase-compute")).toMatchObject({ rule: null, banExempt: false });
  });
});

describe("per IP, per endpoint", () => {
  test("wallet generation: 3 per minute, the 4th is 429 with the documented headers", async () => {
    const ip = freshIp();
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await wallet(ip);
      expect(res.status).toBe(200);
      expect(res.headers.get("x-ratelimit-limit")).toBe("3");
      remaining.push(res.headers.get("x-ratelimit-remaining") ?? "");
      await res.arrayBuffer();
    }
    expect(remaining).toEqual(["2", "1", "0"]);

    const refused = await wallet(ip);
    expect(refused.status).toBe(429);
    expect(await json(refused)).toEqual({ error: expect.stringContaining("/agents/generate-wallet") });
    expect(refused.headers.get("x-ratelimit-limit")).toBe("3");
    expect(refused.headers.get("x-ratelimit-remaining")).toBe("0");
    const reset = Number(refused.headers.get("x-ratelimit-reset"));
    expect(reset).toBeGreaterThan(Date.now() / 1000);
    expect(reset).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 60);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);

    // Other endpoints and other addresses keep their own budgets.
    const tiers = await t.request("/tiers", fromIp(ip));
    expect(tiers.status).toBe(200);
    expect(tiers.headers.get("x-ratelimit-limit")).toBe("100");
    expect((await drain(await wallet(freshIp()))).status).toBe(200);
    // /health is unlimited: no counting, no headers.
    const health = await t.request("/health", fromIp(ip));
    expect(health.status).toBe(200);
    expect(health.headers.get("x-ratelimit-limit")).toBeNull();

    const { items } = await queryAudit(t.platform.services.db, { action: "rate_limit.violation", subject: ip, limit: 10 });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ outcome: "failure", ip, details: { endpoint: "/agents/generate-wallet", violations: 1 } });
  });

  test("/admin/* is one bucket of 20 per minute across its routes and concrete URLs, per admin", async () => {
    const { key } = await createUserWithKey(t, { role: "admin" });
    const ownAdmin = (ip: string, init: RequestInit = {}) =>
      fromIp(ip, { ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Bearer ${key}` } });
    const ip = freshIp();
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      statuses.push((await drain(await t.request("/admin/bans", ownAdmin(ip)))).status);
      statuses.push((await drain(await t.request(`/admin/bans/192.0.2.${i + 1}`, ownAdmin(freshIp(), { method: "DELETE" })))).status);
    }
    expect(statuses).toEqual(Array(20).fill(200));
    const refused = await t.request("/admin/bans", ownAdmin(freshIp()));
    expect(refused.status).toBe(429);
    expect(refused.headers.get("x-ratelimit-limit")).toBe("20");
    // The admin's budget is theirs: the address they used still has its own.
    expect((await drain(await t.request("/admin/bans", fromIp(ip)))).status).toBe(401);
  });

  test("anonymous traffic spends its IP's budget, not the admin's: an admin from that IP still gets in", async () => {
    const ip = freshIp();
    const statuses: number[] = [];
    // Unauthenticated requests count per IP: brute-forcing admin keys is what the limit is for.
    for (let i = 0; i < 21; i++) statuses.push((await drain(await t.request("/admin/bans", fromIp(ip)))).status);
    expect(statuses).toEqual([...Array(20).fill(401), 429]);
    // A non-admin key is "anyone else" too.
    const { headers } = await createUserWithKey(t);
    expect((await drain(await t.request("/admin/bans", fromIp(ip, { headers })))).status).toBe(429);
    expect((await drain(await t.request("/admin/bans", asAdmin(ip)))).status).toBe(200);
  });
});

describe("auto-ban", () => {
  test("10 violations ban the IP for an hour: 403 everywhere but /health, until an admin unbans", async () => {
    const ip = bans.add(freshIp());
    const statuses = await violate(ip, 10);
    expect(statuses).toEqual([200, 200, 200, ...Array(10).fill(429)]);

    const refused = await t.request("/tiers", fromIp(ip));
    expect(refused.status).toBe(403);
    expect((await json<{ error: string }>(refused)).error).toContain("banned");
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(3500);
    // Whole seconds, rounded up: at most one over the hour.
    expect(retryAfter).toBeLessThanOrEqual(3601);
    expect((await drain(await wallet(ip))).status).toBe(403);
    // Anyone but an admin is refused on the admin routes too, and refusals are not new violations.
    expect((await drain(await t.request("/admin/bans", fromIp(ip)))).status).toBe(403);
    const { headers: userHeaders } = await createUserWithKey(t);
    expect((await drain(await t.request("/admin/bans", fromIp(ip, { headers: userHeaders })))).status).toBe(403);
    expect((await drain(await t.request("/health", fromIp(ip)))).status).toBe(200);

    const db = t.platform.services.db;
    const violations = await queryAudit(db, { action: "rate_limit.violation", subject: ip, limit: 50 });
    expect(violations.items).toHaveLength(10);
    const auto = await queryAudit(db, { action: "ban.auto", subject: ip, limit: 5 });
    expect(auto.items).toHaveLength(1);
    expect(auto.items[0]?.details).toMatchObject({ violations: 10 });

    // An admin behind the banned address still reaches the admin routes, and can lift the ban.
    const adminIp = ip;
    const list = await json<{ bans: { ip: string; until: string }[] }>(await t.request("/admin/bans", asAdmin(adminIp)));
    const ban = list.bans.find((b) => b.ip === ip);
    expect(ban).toBeDefined();
    const until = Date.parse(ban?.until ?? "");
    expect(until).toBeGreaterThan(Date.now() + 3_500_000);
    expect(until).toBeLessThanOrEqual(Date.now() + 3_601_000);

    const lifted = await t.request(`/admin/bans/${ip}`, asAdmin(adminIp, { method: "DELETE" }));
    expect(await json(lifted)).toEqual({ ip, removed: true });
    // Access is back at once, with a fresh budget.
    expect((await drain(await t.request("/tiers", fromIp(ip)))).status).toBe(200);
    expect((await drain(await wallet(ip))).status).toBe(200);
    const removal = await queryAudit(db, { action: "ban.remove", subject: ip, limit: 5 });
    expect(removal.items[0]).toMatchObject({ outcome: "success", details: { was_banned: true } });
  });

  test("fewer than 10 violations is no ban", async () => {
    const ip = freshIp();
    expect(await violate(ip, 9)).toEqual([200, 200, 200, ...Array(9).fill(429)]);
    expect((await drain(await t.request("/tiers", fromIp(ip)))).status).toBe(200);
    expect(await t.platform.services.limiter.isBanned(`ip:${ip}`)).toBeNull();
  });

  test("an admin's manual ban refuses the IP the same way", async () => {
    const ip = bans.add(freshIp());
    const created = await t.request(
      "/admin/bans",
      asAdmin(freshIp(), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ ip, duration_minutes: 5 }) }),
    );
    expect(created.status).toBe(201);
    const body = await json<{ ip: string; until: string }>(created);
    expect(body.ip).toBe(ip);
    expect(Date.parse(body.until)).toBeGreaterThan(Date.now() + 290_000);
    expect((await drain(await t.request("/tiers", fromIp(ip)))).status).toBe(403);
    expect((await drain(await t.request("/health", fromIp(ip)))).status).toBe(200);
  });
});
