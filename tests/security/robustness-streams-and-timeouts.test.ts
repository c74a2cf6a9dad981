import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { z } from "zod";
import { appRouter } from "../../src/router.ts";
import { router } from "../../src/trpc/init.ts";
import { publicProcedure } from "../../src/trpc/procedures.ts";
import { createUserWithKey } from "../support/factories.ts";
import { json, startTestPlatform, type TestPlatform } from "../support/harness.ts";
import { startActiveSession, waitFor } from "../mobile/session-helpers.ts";

/**
 * Issue 9, finding 8: open streams are capped per client address across surfaces (REST SSE, tRPC
 * subscriptions, the public health.watch), whoever the user; the idle timeout is lifted only for
 * streams and for procedures that declare `longRunning`.
 */
describe("open streams per address, REST SSE and tRPC together", () => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform({ env: { CONTAINER_DRIVER: "simulator", MAX_STREAMS_PER_IP: "2", SESSION_STREAMS_PER_USER: "10" } });
  });
  afterAll(() => t.stop());

  const activeSession = (headers: Record<string, string>) => startActiveSession(t, headers);

  const watch = (signal?: AbortSignal) =>
    fetch(`${t.url}/trpc/health.watch?input=${encodeURIComponent(JSON.stringify({ json: { interval_s: 60 } }))}`, { signal });

  test("two users' streams from one address fill its cap; the next is 429 on either surface until one closes", async () => {
    const alice = await createUserWithKey(t);
    const bob = await createUserWithKey(t);
    const aliceSession = await activeSession(alice.headers);
    const bobSession = await activeSession(bob.headers);
    const first = new AbortController();
    const second = new AbortController();
    const third = new AbortController();
    // Referenced until the end: a response the test no longer holds may be collected, closing its stream.
    const open: Response[] = [];
    try {
      const aliceStream = await fetch(`${t.url}/api/sessions/${aliceSession}/stream`, { headers: alice.headers, signal: first.signal });
      expect(aliceStream.status).toBe(200);
      const publicStream = await watch(second.signal);
      expect(publicStream.status).toBe(200);
      open.push(aliceStream, publicStream);

      // Bob has no stream of his own open, but the address is full.
      const bobRefused = await fetch(`${t.url}/api/sessions/${bobSession}/stream`, { headers: bob.headers });
      expect(bobRefused.status).toBe(429);
      expect(bobRefused.headers.get("retry-after")).toBe("5");
      const body = await json<{ error: string; code: string }>(bobRefused);
      expect(body.code).toBe("rate_limited");
      expect(body.error).toContain("at most 2");
      expect((await watch()).status).toBe(429);

      // Ordinary requests are not streams.
      expect((await t.request("/health")).status).toBe(200);

      first.abort();
      const bobStream = await waitFor(async () => {
        const response = await fetch(`${t.url}/api/sessions/${bobSession}/stream`, { headers: bob.headers, signal: third.signal });
        return response.status === 200 ? response : (await response.body?.cancel(), null);
      }, 10_000, "the slot alice's stream gave back");
      expect(bobStream.status).toBe(200);
      open.push(bobStream);
    } finally {
      await Promise.all(open.map((response) => response.body?.cancel().catch(() => {})));
      first.abort();
      second.abort();
      third.abort();
    }
  }, 60_000);
});

describe("idle timeout and long-running procedures", () => {
  const SILENCE_MS = 7_000;
  const silentRouter = router({
    ...appRouter._def.record,
    silent: router({
      plain: publicProcedure
        .meta({ access: "public", rest: { method: "GET", path: "/api/v1/silent-plain", surface: "hosting" } })
        .input(z.object({}).optional())
        .query(async () => {
          await Bun.sleep(SILENCE_MS);
          return { done: true };
        }),
      long: publicProcedure
        .meta({ access: "public", longRunning: true, rest: { method: "GET", path: "/api/v1/silent-long", surface: "hosting" } })
        .input(z.object({}).optional())
        .query(async () => {
          await Bun.sleep(SILENCE_MS);
          return { done: true };
        }),
    }),
  });

  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform({ router: silentRouter, env: { REQUEST_IDLE_TIMEOUT_S: "1" } });
  });
  afterAll(() => t.stop());

  // Bun cuts a silent handler while no body is pending (a GET); one whose body it has read runs on.
  test("a handler silent longer than the idle timeout is cut, unless its procedure is long-running", async () => {
    const [plain, long] = await Promise.all([t.request("/api/v1/silent-plain").catch((error: unknown) => error), t.request("/api/v1/silent-long")]);
    expect(plain).toBeInstanceOf(Error);
    expect(long.status).toBe(200);
    expect(await json(long)).toEqual({ data: { done: true } });
  }, 30_000);

  test("the same over tRPC", async () => {
    const call = (name: string) => t.request(`/trpc/silent.${name}`);
    const [plain, long] = await Promise.all([call("plain").catch((error: unknown) => error), call("long")]);
    expect(plain).toBeInstanceOf(Error);
    expect(long.status).toBe(200);
  }, 30_000);
});
