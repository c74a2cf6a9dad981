import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { TRPCClientError } from "@trpc/client";
import { createClient } from "../../client/index.ts";
import { z } from "zod";
import { HOSTING_LIMIT } from "../../src/surfaces/hosting.ts";
import { appRouter } from "../../src/router.ts";
import { router } from "../../src/trpc/init.ts";
import { authedProcedure } from "../../src/trpc/procedures.ts";
import { createUserWithKey } from "../support/factories.ts";
import { json, startTestPlatform, type TestPlatform } from "../support/harness.ts";
import { freshIp } from "../support/identity-helpers.ts";

/** Hosting (document 003): 100 requests per minute per API key, headers on every response. */
const hostingFixtures = router({
  health: appRouter._def.record.health,
  fixture: router({
    echo: authedProcedure
      .meta({ access: "user", rest: { method: "POST", path: "/api/v1/fixture-echo", surface: "hosting", auth: ["bearer"] } })
      .input(z.object({ n: z.number().int() }))
      .mutation(({ input }) => ({ n: input.n })),
  }),
});

let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform({ env: { TRUSTED_PROXIES: "127.0.0.1" }, router: hostingFixtures });
});
afterAll(() => t.stop());

function health(options: { key?: string; ip: string }) {
  const headers: Record<string, string> = { "x-forwarded-for": options.ip };
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  return t.request("/api/v1/health", { headers });
}

function post(body: unknown, ip: string, key?: string): RequestInit {
  const headers: Record<string, string> = { "content-type": "application/json", "x-forwarded-for": ip };
  if (key) headers.authorization = `Bearer ${key}`;
  return { method: "POST", headers, body: JSON.stringify(body) };
}

function limitHeaders(res: Response) {
  return {
    limit: Number(res.headers.get("x-ratelimit-limit")),
    remaining: Number(res.headers.get("x-ratelimit-remaining")),
    reset: Number(res.headers.get("x-ratelimit-reset")),
  };
}

describe("hosting: 100 requests per minute per API key", () => {
  test("the headers count down; the 101st request is 429 in the hosting envelope", async () => {
    expect(HOSTING_LIMIT).toEqual({ limit: 100, windowMs: 60_000 });
    const { key } = await createUserWithKey(t);
    const ip = freshIp("198.19");
    const nowSeconds = Math.floor(Date.now() / 1000);

    const remaining: number[] = [];
    for (let i = 0; i < 100; i++) {
      const res = await health({ key, ip });
      expect(res.status).toBe(200);
      const h = limitHeaders(res);
      expect(h.limit).toBe(100);
      expect(h.reset).toBeGreaterThanOrEqual(nowSeconds + 55);
      expect(h.reset).toBeLessThanOrEqual(nowSeconds + 62);
      remaining.push(h.remaining);
      await res.arrayBuffer();
    }
    expect(remaining).toEqual(Array.from({ length: 100 }, (_, i) => 99 - i));

    const refused = await health({ key, ip });
    expect(refused.status).toBe(429);
    expect(limitHeaders(refused)).toMatchObject({ limit: 100, remaining: 0 });
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    const body = await json<{ error: { code: string; message: string; request_id: string } }>(refused);
    expect(body.error.code).toBe("rate_limited");
    expect(body.error.message).toContain("100 requests per minute");
    expect(body.error.request_id).toBe(refused.headers.get("x-request-id") ?? "");

    // The same key from another address is still refused: the budget is the key's.
    expect((await health({ key, ip: freshIp("198.19") })).status).toBe(429);
    // The same procedure over tRPC draws on the same budget.
    const viaTrpc = createClient({ url: t.url, token: key }).health.hosting.query();
    const error = await viaTrpc.then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    expect((error as TRPCClientError<never>).data).toMatchObject({ httpStatus: 429, appCode: "RATE_LIMITED" });
  });

  test("each key, and each unauthenticated address, has its own budget", async () => {
    const one = await createUserWithKey(t);
    const two = await createUserWithKey(t);
    const ip = freshIp("198.19");
    for (let i = 0; i < 3; i++) await (await health({ key: one.key, ip })).arrayBuffer();
    expect(limitHeaders(await health({ key: one.key, ip })).remaining).toBe(96);
    expect(limitHeaders(await health({ key: two.key, ip })).remaining).toBe(99);
    // Without a key (or with one that does not resolve) the address is the bucket.
    expect(limitHeaders(await health({ ip })).remaining).toBe(99);
    expect(limitHeaders(await health({ ip, key: "oc_live_notavalidkeynotavalidkey" })).remaining).toBe(98);
    expect(limitHeaders(await health({ ip: freshIp("198.19") })).remaining).toBe(99);
  });

  test("errors carry the headers too: 401, 422 and the authed route's own budget", async () => {
    const ip = freshIp("198.19");
    const unauthenticated = await t.request("/api/v1/fixture-echo", post({ n: 1 }, ip));
    expect(unauthenticated.status).toBe(401);
    expect(limitHeaders(unauthenticated)).toMatchObject({ limit: 100, remaining: 99 });
    expect((await json<{ error: { code: string } }>(unauthenticated)).error.code).toBe("unauthorized");

    const { key } = await createUserWithKey(t);
    const invalid = await t.request("/api/v1/fixture-echo", post({ n: "x" }, ip, key));
    expect(invalid.status).toBe(422);
    expect(limitHeaders(invalid)).toMatchObject({ limit: 100, remaining: 99 });
    const ok = await t.request("/api/v1/fixture-echo", post({ n: 2 }, ip, key));
    expect(ok.status).toBe(200);
    expect(await json(ok)).toEqual({ data: { n: 2 } });
    expect(limitHeaders(ok).remaining).toBe(98);
  });
});
