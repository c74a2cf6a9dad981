import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { AnyProcedure, AnyRouter } from "@trpc/server";
import { createTRPCUntypedClient, httpBatchLink, httpLink } from "@trpc/client";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import fc from "fast-check";
import superjson from "superjson";
import { z } from "zod";
import type { Services } from "../../src/platform/services.ts";
import { plainJsonOrUndefined } from "../../src/rest/plain-json.ts";
import { jsonSchemaOf } from "../../src/rest/routes.ts";
import { MAX_TRPC_BATCH } from "../../src/rest/trpc-admission.ts";
import { createTrpcQueryFastPath } from "../../src/rest/trpc-fast-path.ts";
import { appRouter } from "../../src/router.ts";
import { createContextInner, type RequestInfo } from "../../src/trpc/context.ts";
import { router } from "../../src/trpc/init.ts";
import { publicProcedure } from "../../src/trpc/procedures.ts";
import { admitting } from "../support/admitting-limiter.ts";
import { badValues, RawJson, validSample, type JsonSchema } from "../support/bad-values.ts";
import { createUserWithKey } from "../support/factories.ts";
import { startTestPlatform, type TestPlatform } from "../support/harness.ts";

/**
 * The /trpc GET fast path (src/rest/trpc-fast-path.ts) against tRPC's own fetch adapter: every
 * query procedure of the real router, called the way the official client calls it (`httpLink` for
 * one call, `httpBatchLink` for a batch; the requests are the ones the client builds), signed in
 * and not, with valid and schema-derived invalid input, must get the same status, headers and body
 * from both. Both run on one platform in turn with the same request info; the rate limiter admits
 * every hit (a window that turned between the two calls would make them differ for another reason).
 */
const SEED = Number(process.env.FAST_PATH_SEED ?? 20_261_202);

let t: TestPlatform;
let services: Services;
let authorization: string;

beforeAll(async () => {
  t = await startTestPlatform({ env: { CONTAINER_DRIVER: "simulator" } });
  authorization = (await createUserWithKey(t, { role: "admin", email: "trpc-fast-path@example.test" })).headers.authorization;
  services = { ...t.platform.services, limiter: admitting(t.platform.services.limiter) };
});
afterAll(() => t?.stop());

const allProcedures = Object.entries(appRouter._def.procedures as unknown as Record<string, AnyProcedure>);
const queries = allProcedures
  .filter(([, procedure]) => procedure._def.type === "query")
  .map(([path, procedure]) => ({ path, procedure }));

function inputsFor(procedure: AnyProcedure): { label: string; input: unknown }[] {
  const schema = (procedure._def as unknown as { inputs: unknown[] }).inputs.find((i): i is z.ZodType => i instanceof z.ZodType);
  if (!schema) return [{ label: "no input", input: undefined }];
  const json = jsonSchemaOf(schema, "input") as JsonSchema;
  const valid = validSample(json, SEED);
  const cases = [
    { label: "valid sample", input: valid },
    { label: "no input", input: undefined },
  ];
  if (json.type === "object") {
    for (const [name, property] of Object.entries(json.properties ?? {})) {
      for (const bad of badValues(property, SEED, 1).slice(0, 3)) {
        if (!(bad.value instanceof RawJson)) cases.push({ label: `${name}: ${bad.label}`, input: { ...(valid as object), [name]: bad.value } });
      }
    }
  }
  return cases;
}

/** The request the official client sends for these calls (captured, not sent). */
async function clientRequest(calls: { path: string; input: unknown }[], headers: Record<string, string>): Promise<Request> {
  let captured: Request | undefined;
  const fetch = async (url: unknown, init?: unknown): Promise<never> => {
    captured = new Request(String(url), init as RequestInit);
    throw new Error("captured");
  };
  const url = `${t.url}/trpc`;
  const link =
    calls.length === 1
      ? httpLink({ url, transformer: superjson, headers, fetch })
      : httpBatchLink({ url, transformer: superjson, headers, fetch, maxItems: MAX_TRPC_BATCH });
  const client = createTRPCUntypedClient({ links: [link] });
  await Promise.allSettled(calls.map((call) => client.query(call.path, call.input)));
  if (!captured) throw new Error("the client sent nothing");
  return captured;
}

const fast = (against: AnyRouter = appRouter) => createTrpcQueryFastPath({ router: against, maxBatchSize: MAX_TRPC_BATCH, createContext: (info, h) => createContextInner(services, info, h) });

function infoOf(request: Request, n: number): RequestInfo {
  return { requestId: `req_differential_${n}`, ip: "203.0.113.9", headers: request.headers, method: request.method, url: request.url };
}

/** Status, headers and body, with what each call measures for itself (health's timings) blanked. */
async function comparable(response: Response) {
  const text = await response.text();
  return {
    status: response.status,
    headers: [...response.headers.entries()].sort(),
    body: text
      .replace(/"(latency_ms|uptime_s)":[\d.]+/g, '"$1":"<measured>"')
      .replace(/"time":"[^"]+"/g, '"time":"<time>"'),
  };
}

let counter = 0;
async function compare(calls: { path: string; input: unknown }[], headers: Record<string, string>, against: AnyRouter = appRouter) {
  const request = await clientRequest(calls, headers);
  const info = infoOf(request, counter++);
  const answered = fast(against)(request.clone(), info);
  expect(answered, `the fast path takes ${request.url}`).toBeDefined();
  const mine = await comparable(await (answered as Promise<Response>));
  const theirs = await comparable(
    await fetchRequestHandler({
      endpoint: "/trpc",
      req: request,
      router: against,
      maxBatchSize: MAX_TRPC_BATCH,
      createContext: ({ resHeaders }) => createContextInner(services, info, resHeaders),
    }),
  );
  expect(mine).toEqual(theirs);
  return mine.status;
}

describe("GET /trpc queries: the fast path answers as tRPC's fetch adapter does", () => {
  test("there are query procedures to compare", () => {
    expect(queries.length).toBeGreaterThan(5);
  });

  for (const { path, procedure } of queries) {
    test(`${path}: one call (httpLink), signed in and not, valid and invalid input`, async () => {
      const statuses = new Set<number>();
      for (const { input } of inputsFor(procedure)) {
        statuses.add(await compare([{ path, input }], { authorization }));
        statuses.add(await compare([{ path, input }], {}));
      }
      expect(statuses.size).toBeGreaterThan(0);
    });
  }

  test("batches (httpBatchLink) of every query, mixed outcomes, answer alike (200 or 207)", async () => {
    const calls = queries.flatMap(({ path, procedure }) => inputsFor(procedure).slice(0, 2).map(({ input }) => ({ path, input })));
    const statuses = new Set<number>();
    for (let i = 0; i < calls.length; i += MAX_TRPC_BATCH) {
      statuses.add(await compare(calls.slice(i, i + MAX_TRPC_BATCH), { authorization }));
    }
    expect(statuses.has(207)).toBe(true);
    expect(await compare([{ path: "health.compute", input: undefined }, { path: "health.compute", input: undefined }], {})).toBe(200);
  });

  test("stream-like output (a promise inside) is refused as tRPC refuses it, alone and in a batch", async () => {
    const streaming = router({
      later: publicProcedure.query(() => ({ value: Promise.resolve(1) })),
      now: publicProcedure.query(() => ({ value: 1 })),
    });
    expect(await compare([{ path: "later", input: undefined }], {}, streaming)).toBe(415);
    expect(await compare([{ path: "later", input: undefined }, { path: "now", input: undefined }], {}, streaming)).toBe(207);
  });

  test("what is not a plain GET of known queries is left to tRPC", async () => {
    const serve = fast();
    const leftAlone = (url: string, init: RequestInit = {}) => serve(new Request(`${t.url}${url}`, init), infoOf(new Request(`${t.url}${url}`), 0));
    const mutation = allProcedures.find(([, p]) => p._def.type === "mutation")?.[0];
    const subscription = allProcedures.find(([, p]) => p._def.type === "subscription")?.[0];
    expect(leftAlone(`/trpc/${mutation}`)).toBeUndefined();
    expect(leftAlone(`/trpc/${subscription}`)).toBeUndefined();
    expect(leftAlone("/trpc/no.such.procedure")).toBeUndefined();
    expect(leftAlone("/trpc/health.compute", { method: "HEAD" })).toBeUndefined();
    expect(leftAlone("/trpc/health.compute", { method: "POST", body: "{}" })).toBeUndefined();
    expect(leftAlone("/trpc/health.compute?input=%7Bnot%20json")).toBeUndefined();
    expect(leftAlone("/trpc/health.compute,health.compute")).toBeUndefined();
    expect(leftAlone("/trpc/health.compute?batch=1&input=%5B%5D")).toBeUndefined();
    expect(leftAlone(`/trpc/${Array(MAX_TRPC_BATCH + 1).fill("health.compute").join(",")}?batch=1`)).toBeUndefined();
    expect(leftAlone("/trpc/health.compute?batch=1", { headers: { "trpc-accept": "application/jsonl" } })).toBeUndefined();
    expect(leftAlone("/trpc/health.compute", { headers: { accept: "application/jsonl" } })).toBeUndefined();
    expect(leftAlone("/trpc/health.compute", { headers: { "content-type": "application/json" } })).toBeUndefined();
    expect(leftAlone("/trpc/health.compute%E0%A4%A")).toBeUndefined();
  });

  test("over HTTP, a GET query carries X-Request-Id and the client reads it", async () => {
    const client = createTRPCUntypedClient({ links: [httpLink({ url: `${t.url}/trpc`, transformer: superjson, headers: { authorization } })] });
    expect(await client.query("health.compute")).toMatchObject({ status: "ok" });
    const response = await fetch(`${t.url}/trpc/health.compute`, { headers: { "x-request-id": "req-fast-path-1" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-request-id")).toBe("req-fast-path-1");
    expect(response.headers.get("vary")).toBe("trpc-accept, accept");
  });
});

describe("plain JSON skips superjson's walker with the same bytes", () => {
  const shared = { shared: true };
  const special = fc.constantFrom<unknown>(
    undefined,
    Number.NaN,
    Infinity,
    -0,
    new Date(0),
    10n,
    new Map([["a", 1]]),
    new Set([1]),
    /re/,
    new Error("e"),
    shared,
    Object.create(null) as object,
    JSON.parse('{"__proto__": 1}') as object,
    { constructor: 1 },
    [1, , 3],
    Symbol("s"),
    () => 1,
  );
  const values = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: "small" }, fc.jsonValue({ maxDepth: 2 }), special, fc.array(tie("value"), { maxLength: 4 }), fc.dictionary(fc.string(), tie("value"), { maxKeys: 4 })),
  })).value;

  test("for random values, with and without what superjson annotates", () => {
    fc.assert(
      fc.property(values, (value) => {
        const plain = plainJsonOrUndefined(value);
        if (plain === undefined) return;
        expect(JSON.stringify(plain)).toBe(JSON.stringify(superjson.serialize(value)));
      }),
      { seed: SEED, numRuns: 2_000 },
    );
    expect(plainJsonOrUndefined({ a: [1, "x", null, true, { b: 2.5 }] })).toEqual({ json: { a: [1, "x", null, true, { b: 2.5 }] } });
    expect(plainJsonOrUndefined({ a: shared, b: shared })).toBeUndefined();
    expect(plainJsonOrUndefined({ at: new Date(0) })).toBeUndefined();
  });
});
