import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { TRPCClientError } from "@trpc/client";
import { eq, sql } from "drizzle-orm";
import { queueJobs } from "../../db/schema/index.ts";
import { z } from "zod";
import { appRouter } from "../../src/router.ts";
import { router } from "../../src/trpc/init.ts";
import { authedProcedure, publicProcedure } from "../../src/trpc/procedures.ts";
import { syncSkills } from "../../src/domains/skills/sync.ts";
import { createUserWithKey } from "../support/factories.ts";
import { json, startTestPlatform, type TestPlatform } from "../support/harness.ts";

/**
 * Finding 6: NUL bytes, other C0 controls and lone surrogates in any string of any procedure's
 * input are a 400 in the surface's envelope naming the field, never a database error; and a
 * database error's log line keeps the query but not its values.
 */
const LEAKY_VALUE = "leaky-param-value-6f1c2e";

const fixtures = router({
  ...appRouter._def.record,
  hygieneFixture: router({
    failingQuery: authedProcedure
      .meta({ access: "user", rest: { method: "POST", path: "/api/account/me/hygiene-fixture", surface: "mobile", auth: ["bearer"] } })
      .input(z.object({ value: z.string() }))
      .mutation(async ({ ctx, input }) => {
        // A query PostgreSQL refuses, with the caller's value as a parameter: a 500 whose error text holds it.
        await ctx.services.db.execute(sql`select ${input.value}::int as n`);
        return { ok: true };
      }),
    echo: publicProcedure.meta({ access: "public" }).input(z.object({ nested: z.array(z.record(z.string(), z.string())) })).query(({ input }) => input),
  }),
});

let t: TestPlatform;
let headers: Record<string, string>;
let key: string;
beforeAll(async () => {
  t = await startTestPlatform({ router: fixtures });
  const made = await createUserWithKey(t);
  ({ headers, key } = made);
  const { db, blobs } = t.platform.services;
  const files = new Map([["SKILL.md", new TextEncoder().encode("# Notes\n")]]);
  await syncSkills({ db, blobs, userId: made.user.id, sessionId: null, skills: [{ name: "notes", files }] });
});
afterAll(() => t.stop());

const jsonHeaders = () => ({ ...headers, "content-type": "application/json" });
type Envelope = { error: string; code?: string; details?: Record<string, string> };

describe("control characters in REST bodies", () => {
  test("POST /api/auth/login, unauthenticated, with a NUL in the username: 400 naming the field", async () => {
    const res = await t.request("/api/auth/login", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "alice\u0000", password: "whatever-password" }),
    });
    expect(res.status).toBe(400);
    const body = await json<Envelope>(res);
    expect(body.error).toContain("username");
    expect(Object.keys(body.details ?? {})).toEqual(["username"]);
  });

  test("PATCH /api/account/me with a NUL in display_name: 400 in the mobile envelope", async () => {
    const res = await t.request("/api/account/me", { method: "PATCH", headers: jsonHeaders(), body: JSON.stringify({ display_name: "Ann\u0000ie" }) });
    expect(res.status).toBe(400);
    const body = await json<Envelope>(res);
    expect(body).toMatchObject({ code: "validation_failed", details: { display_name: expect.stringContaining("U+0000") } });
  });

  test("other C0 controls are refused; tab, newline and carriage return pass", async () => {
    const bell = await t.request("/api/account/me", { method: "PATCH", headers: jsonHeaders(), body: JSON.stringify({ display_name: "Ann\u0007" }) });
    expect(bell.status).toBe(400);
    expect((await json<Envelope>(bell)).details).toEqual({ display_name: expect.stringContaining("U+0007") });
    const escape = await t.request("/api/account/me", { method: "PATCH", headers: jsonHeaders(), body: JSON.stringify({ display_name: "\u001b[31mAnn" }) });
    expect(escape.status).toBe(400);

    const fine = await t.request("/api/account/me", { method: "PATCH", headers: jsonHeaders(), body: JSON.stringify({ display_name: "Ann\tB\r\nC" }) });
    expect(fine.status).toBe(200);
    expect((await json<{ display_name: string }>(fine)).display_name).toBe("Ann\tB\r\nC");
  });

  test("a lone surrogate (invalid UTF-16 from a JSON escape) is 400, a surrogate pair is fine", async () => {
    const lone = await t.request("/api/account/me", { method: "PATCH", headers: jsonHeaders(), body: '{"display_name":"A\\ud800B"}' });
    expect(lone.status).toBe(400);
    expect((await json<Envelope>(lone)).details).toEqual({ display_name: expect.stringContaining("surrogate") });
    const pair = await t.request("/api/account/me", { method: "PATCH", headers: jsonHeaders(), body: '{"display_name":"A\\ud83d\\ude00"}' });
    expect(pair.status).toBe(200);
    expect((await json<{ display_name: string }>(pair)).display_name).toBe("A😀");
  });

  test("query strings and path parameters are checked too", async () => {
    const res = await t.request(`/api/skills/${encodeURIComponent("bad\u0000name")}`, { headers });
    expect(res.status).toBe(400);
    expect((await json<Envelope>(res)).details).toEqual({ name: expect.any(String) });
  });
});

describe("control characters over tRPC", () => {
  test("eval-run notes with a NUL: BAD_REQUEST naming notes, nothing stored", async () => {
    const client = t.client(key);
    const failure = await client.skills.createEvalRun.mutate({ name: "notes", notes: "before\u0000after" }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TRPCClientError);
    const data = (failure as TRPCClientError<typeof appRouter>).data as { httpStatus: number; details: Record<string, string> };
    expect(data.httpStatus).toBe(400);
    expect(Object.keys(data.details)).toEqual(["notes"]);
    const fine = await client.skills.createEvalRun.mutate({ name: "notes", notes: "line one\nline two" });
    expect(fine.notes).toBe("line one\nline two");
  });

  test("deeply placed strings and object keys are found and named", async () => {
    const client = t.client();
    const call = (input: { nested: Array<Record<string, string>> }) =>
      (client as unknown as { hygieneFixture: { echo: { query(i: unknown): Promise<unknown> } } }).hygieneFixture.echo.query(input);
    const badValue = await call({ nested: [{ a: "ok" }, { b: "x\u0001" }] }).catch((error: unknown) => error);
    expect(((badValue as TRPCClientError<typeof appRouter>).data as { details: unknown }).details).toEqual({ "nested.1.b": expect.any(String) });
    const badKey = await call({ nested: [{ "k\u0000": "ok" }] }).catch((error: unknown) => error);
    expect(((badKey as TRPCClientError<typeof appRouter>).data as { details: unknown }).details).toEqual({ "nested.0.k\u0000": expect.stringContaining("field name") });
    expect(await call({ nested: [{ a: "tab\there" }] })).toEqual({ nested: [{ a: "tab\there" }] });
  });
});

describe("database errors in the log", () => {
  test("a failed query is logged with its query but without its parameters", async () => {
    const res = await t.request("/api/account/me/hygiene-fixture", { method: "POST", headers: jsonHeaders(), body: JSON.stringify({ value: LEAKY_VALUE }) });
    expect(res.status).toBe(500);
    expect(JSON.stringify(await res.json())).not.toContain(LEAKY_VALUE);
    const failed = t.logs.filter((line) => line.includes('"request failed"'));
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.join("\n")).toContain("Failed query");
    for (const line of t.logs) expect(line).not.toContain(LEAKY_VALUE);
  });

  test("a background job failing on a query keeps the query's values out of the log and off the job", async () => {
    const { queue, db } = t.platform.services;
    const value = `${LEAKY_VALUE}-job`;
    const worker = queue.work<{ value: string }>("hygiene.fixture", async (job) => {
      await db.execute(sql`select ${job.payload.value}::int as n`);
    });
    try {
      const { id } = await queue.enqueue({ queue: "hygiene.fixture", key: "leaky", payload: { value }, maxAttempts: 1 });
      const failed = await waitForJob(id);
      expect(failed.lastError).toContain("Failed query");
      expect(failed.lastError).not.toContain(value);
    } finally {
      await worker.stop();
    }
    expect(t.logs.some((line) => line.includes("hygiene.fixture"))).toBe(true);
    for (const line of t.logs) expect(line).not.toContain(value);
  });
});

async function waitForJob(id: string) {
  for (let i = 0; i < 200; i++) {
    const [job] = await t.platform.services.db.select().from(queueJobs).where(eq(queueJobs.id, id));
    if (job?.status === "dead") return job;
    await Bun.sleep(50);
  }
  throw new Error("the job did not fail");
}
