import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import { idempotencyKeys } from "../../db/schema/index.ts";
import { claimKey } from "../../src/platform/idempotency/store.ts";
import { createContextInner } from "../../src/trpc/context.ts";
import { checkIdempotencyDeclaration, idempotencyKey } from "../../src/trpc/idempotency.ts";
import { createCallerFactory } from "../../src/trpc/init.ts";
import { authedProcedure } from "../../src/trpc/procedures.ts";
import { createUserWithKey } from "../support/factories.ts";
import { json, startTestPlatform, type TestPlatform } from "../support/harness.ts";
import { executions, gate, idempotencyFixtureRouter } from "./fixtures/idempotency-router.ts";

let t: TestPlatform;
let ada: Awaited<ReturnType<typeof createUserWithKey>>;
let bob: Awaited<ReturnType<typeof createUserWithKey>>;

beforeAll(async () => {
  t = await startTestPlatform({ router: idempotencyFixtureRouter });
  ada = await createUserWithKey(t);
  bob = await createUserWithKey(t);
});
afterAll(() => t.stop());

let labels = 0;
const label = (name: string) => `${name}-${++labels}`;

function post(path: string, body: unknown, headers: Record<string, string>) {
  return t.request(path, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
}
const pay = (id: string, body: { label: string; amount_cents: number }, key: string | null, who = ada) =>
  post(`/api/jobs/fixture-idem/${id}/pay`, body, { ...who.headers, ...(key === null ? {} : { "idempotency-key": key }) });

describe("Idempotency-Key on a REST POST", () => {
  test("the same key and body replays the first response, marked Idempotent-Replayed, without running again", async () => {
    const body = { label: label("replay"), amount_cents: 500 };
    const first = await pay("job_1", body, "key-replay");
    expect(first.status).toBe(200);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    const firstBody = await json(first);
    // The same fields in another order are the same parameters.
    const again = await pay("job_1", { amount_cents: 500, label: body.label }, "key-replay");
    expect(again.status).toBe(200);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await json(again)).toEqual(firstBody);
    expect(again.headers.get("x-request-id")).not.toBe(first.headers.get("x-request-id"));
    expect(executions.get(body.label)).toBe(1);
  });

  test("without a key every request runs", async () => {
    const body = { label: label("nokey"), amount_cents: 500 };
    expect((await pay("job_1", body, null)).status).toBe(200);
    expect((await pay("job_1", body, null)).status).toBe(200);
    expect(executions.get(body.label)).toBe(2);
  });

  test("the same key with other parameters (body or path) is 400, as Stripe answers", async () => {
    const body = { label: label("mismatch"), amount_cents: 500 };
    expect((await pay("job_1", body, "key-mismatch")).status).toBe(200);
    for (const [id, other] of [["job_1", { ...body, amount_cents: 501 }], ["job_2", body]] as const) {
      const res = await pay(id, other, "key-mismatch");
      expect(res.status).toBe(400);
      expect(await json(res)).toEqual({ error: "Keys for idempotent requests can only be used with the same parameters they were first used with" });
    }
    expect(executions.get(body.label)).toBe(1);
  });

  test("keys are per user and per route", async () => {
    const body = { label: label("scope"), amount_cents: 500 };
    const mine = await json(await pay("job_1", body, "key-scope"));
    const theirs = await pay("job_1", body, "key-scope", bob);
    expect(theirs.headers.get("idempotent-replayed")).toBeNull();
    expect((await json(theirs)).payment).not.toBe(mine.payment);
    const elsewhere = await post("/api/v1/fixture-charges", body, { ...ada.headers, "idempotency-key": "key-scope" });
    expect(elsewhere.status).toBe(201);
    expect(elsewhere.headers.get("idempotent-replayed")).toBeNull();
    expect(executions.get(body.label)).toBe(3);
  });

  test("a request while the first with its key is still running is 409; afterwards it replays", async () => {
    gate.reset();
    const body = { label: label("inflight"), amount_cents: 999 };
    const first = pay("job_1", body, "key-inflight");
    await gate.entered.promise;
    const second = await pay("job_1", body, "key-inflight");
    expect(second.status).toBe(409);
    expect(typeof (await json(second)).error).toBe("string");
    gate.open.resolve();
    const done = await first;
    expect(done.status).toBe(200);
    const doneBody = await json(done);
    const third = await pay("job_1", body, "key-inflight");
    expect(third.headers.get("idempotent-replayed")).toBe("true");
    expect(await json(third)).toEqual(doneBody);
    expect(executions.get(body.label)).toBe(1);
  });

  test("a key longer than 255 characters, or with spaces or control characters, is 400; 255 is fine", async () => {
    const body = { label: label("length"), amount_cents: 500 };
    for (const key of ["k".repeat(256), "with space", "tab\tkey"]) {
      const res = await pay("job_1", body, key);
      expect({ key, status: res.status }).toEqual({ key, status: 400 });
    }
    expect(executions.get(body.label)).toBeUndefined();
    expect((await pay("job_1", body, "k".repeat(255))).status).toBe(200);
  });

  test("an error the procedure answered is kept; a server error, or input that failed validation, is not", async () => {
    const declined = { label: label("declined"), amount_cents: 402 };
    const first = await pay("job_1", declined, "key-declined");
    expect(first.status).toBe(402);
    const again = await pay("job_1", declined, "key-declined");
    expect(again.status).toBe(402);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await json(again)).toEqual(await json(first));
    expect(executions.get(declined.label)).toBe(1);

    const busy = { label: label("busy"), amount_cents: 503 };
    expect((await pay("job_1", busy, "key-busy")).status).toBe(503);
    const retried = await pay("job_1", busy, "key-busy");
    expect(retried.status).toBe(200);
    expect(retried.headers.get("idempotent-replayed")).toBeNull();
    expect(executions.get(busy.label)).toBe(2);

    const invalid = await pay("job_1", { label: "x", amount_cents: -1 }, "key-invalid");
    expect(invalid.status).toBe(400);
    const valid = { label: label("valid"), amount_cents: 500 };
    expect((await pay("job_1", valid, "key-invalid")).status).toBe(200);
  });

  test("hosting: the replay keeps the 201 and the { data } envelope; other parameters are hosting's 400", async () => {
    const body = { label: label("hosting"), amount_cents: 500 };
    const headers = { ...ada.headers, "idempotency-key": "key-hosting" };
    const first = await post("/api/v1/fixture-charges", body, headers);
    expect(first.status).toBe(201);
    const again = await post("/api/v1/fixture-charges", body, headers);
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.headers.get("x-ratelimit-limit")).toBe(first.headers.get("x-ratelimit-limit"));
    expect(await json(again)).toEqual(await json(first));
    const other = await post("/api/v1/fixture-charges", { ...body, amount_cents: 7 }, headers);
    expect(other.status).toBe(400);
    expect(((await json(other)).error as { code: string }).code).toBe("bad_request");
  });

  test("a key expires after 24 hours: then the request runs again, and writes purge expired keys", async () => {
    const body = { label: label("expiry"), amount_cents: 500 };
    expect((await pay("job_1", body, "key-expiry")).status).toBe(200);
    const db = t.platform.services.db;
    const [row] = await db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, "key-expiry"));
    const lifetime = (row?.expiresAt.getTime() ?? 0) - (row?.createdAt.getTime() ?? 0);
    expect(lifetime).toBe(24 * 60 * 60 * 1000);
    await db.update(idempotencyKeys).set({ expiresAt: sql`now() - interval '1 second'` }).where(eq(idempotencyKeys.key, "key-expiry"));
    await db.insert(idempotencyKeys).values({ scope: bob.user.id, route: "elsewhere", key: "stale", requestHash: "x", state: "done", expiresAt: sql`now() - interval '1 hour'` });
    const again = await pay("job_1", body, "key-expiry");
    expect(again.headers.get("idempotent-replayed")).toBeNull();
    expect(executions.get(body.label)).toBe(2);
    expect(await db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, "stale"))).toEqual([]);
  });

  test("a route without the opt-in ignores the header", async () => {
    const body = { label: label("plain"), amount_cents: 500 };
    for (let n = 0; n < 2; n++) {
      const res = await post("/api/jobs/fixture-plain/job_1/pay", body, { ...ada.headers, "idempotency-key": "key-plain" });
      expect(res.headers.get("idempotent-replayed")).toBeNull();
    }
    expect(executions.get(body.label)).toBe(2);
  });
});

describe("Idempotency-Key for tRPC callers", () => {
  const callerFor = (headers: Record<string, string>) => {
    const ctx = createContextInner(t.platform.services, {
      requestId: "test",
      ip: "127.0.0.1",
      headers: new Headers(headers),
      method: "POST",
      url: `${t.url}/trpc/idemFixture.pay`,
    });
    return { ctx, caller: createCallerFactory(idempotencyFixtureRouter)(ctx) };
  };

  test("the header through the context: a retry gets the same output back (dates intact), shared with the REST route", async () => {
    const input = { id: "job_9", label: label("trpc"), amount_cents: 500 };
    const headers = { ...ada.headers, "idempotency-key": "key-trpc" };
    const first = await callerFor(headers).caller.idemFixture.pay(input);
    const retry = callerFor(headers);
    const again = await retry.caller.idemFixture.pay(input);
    expect(again).toEqual(first);
    expect(again.at).toBeInstanceOf(Date);
    expect(retry.ctx.responseHeaders.get("idempotent-replayed")).toBe("true");
    const overRest = await pay("job_9", { label: input.label, amount_cents: 500 }, "key-trpc");
    expect(overRest.headers.get("idempotent-replayed")).toBe("true");
    expect((await json(overRest)).payment).toBe(first.payment);
    await expect(callerFor(headers).caller.idemFixture.pay({ ...input, amount_cents: 1 })).rejects.toThrow("same parameters");
    expect(executions.get(input.label)).toBe(1);
  });
  test("over /trpc the header arrives the same way and the replay carries Idempotent-Replayed", async () => {
    const input = { id: "job_10", label: label("trpc-http"), amount_cents: 500 };
    const call = () =>
      t.request("/trpc/idemFixture.pay", {
        method: "POST",
        headers: { "content-type": "application/json", ...ada.headers, "idempotency-key": "key-trpc-http" },
        body: JSON.stringify({ json: input }),
      });
    const first = await call();
    expect(first.status).toBe(200);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    const again = await call();
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    const payment = (res: Record<string, unknown>) => ((res.result as { data: { json: { payment: string } } }).data.json.payment);
    expect(payment(await json(again))).toBe(payment(await json(first)));
    expect(executions.get(input.label)).toBe(1);
  });
});

describe("the store", () => {
  const address = (key: string) => ({ scope: ada.user.id, route: "store.test", key });

  test("of many simultaneous first requests with one key exactly one runs; the others are told it is in flight", async () => {
    const claims = await Promise.all(Array.from({ length: 6 }, () => claimKey(t.platform.services.db, address("race"), "h1")));
    expect(claims.filter((c) => c.kind === "claimed").length).toBe(1);
    expect(claims.filter((c) => c.kind === "in-flight").length).toBe(5);
  });

  test("a crashed holder's key is taken over after its lease by a retry with the same parameters only", async () => {
    const db = t.platform.services.db;
    expect((await claimKey(db, address("crash"), "h1")).kind).toBe("claimed");
    expect((await claimKey(db, address("crash"), "h1")).kind).toBe("in-flight");
    await db.update(idempotencyKeys).set({ lockedUntil: sql`now() - interval '1 second'` }).where(eq(idempotencyKeys.key, "crash"));
    expect((await claimKey(db, address("crash"), "h2")).kind).toBe("other-parameters");
    expect((await claimKey(db, address("crash"), "h1")).kind).toBe("claimed");
  });
});

describe("start-up", () => {
  const input = z.object({ n: z.number() });
  test("meta.idempotent without the middleware, the middleware without meta, or a non-POST route is refused", () => {
    const metaOnly = authedProcedure.meta({ access: "user", idempotent: true }).input(input).mutation(() => 1);
    const middlewareOnly = authedProcedure.meta({ access: "user" }).input(input).use(idempotencyKey).mutation(() => 1);
    const both = authedProcedure.meta({ access: "user", idempotent: true }).input(input).use(idempotencyKey).mutation(() => 1);
    expect(() => checkIdempotencyDeclaration("x.metaOnly", metaOnly, "POST")).toThrow("x.metaOnly");
    expect(() => checkIdempotencyDeclaration("x.middlewareOnly", middlewareOnly, "POST")).toThrow("x.middlewareOnly");
    expect(() => checkIdempotencyDeclaration("x.both", both, "PATCH")).toThrow("POST routes only");
    expect(() => checkIdempotencyDeclaration("x.both", both, "POST")).not.toThrow();
  });
});
