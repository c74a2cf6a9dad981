import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { TRPCError } from "@trpc/server";
import fc from "fast-check";
import type { Services } from "../../src/platform/services.ts";
import { procedureCaller } from "../../src/rest/call-procedure.ts";
import { collectRestRoutes, jsonSchemaOf, type RestRoute } from "../../src/rest/routes.ts";
import { appRouter } from "../../src/router.ts";
import { createContextInner, type Context } from "../../src/trpc/context.ts";
import { toAppError } from "../../src/trpc/errors.ts";
import { createCallerFactory } from "../../src/trpc/init.ts";
import { admitting } from "../support/admitting-limiter.ts";
import { badValues, RawJson, validSample, type JsonSchema } from "../support/bad-values.ts";
import { createUserWithKey } from "../support/factories.ts";
import { startTestPlatform, type TestPlatform } from "../support/harness.ts";

/**
 * The REST fast path (src/rest/call-procedure.ts) against tRPC's own caller: every REST procedure
 * of the real router is called both ways with the same inputs, valid and invalid (from its zod
 * input schema: a valid sample, then each field replaced by schema-derived bad values and random
 * ones from fast-check), and the answers must match: the value, or the error's tRPC code, message,
 * and the AppError code, message and details the surfaces render.
 *
 * Each way runs on its own platform with the same history (a call that creates or changes
 * something would otherwise answer the second caller differently), in lockstep. Values that are
 * random by nature (ids, keys, tokens, times, the platform's own URL, measured durations) are
 * replaced by placeholders before the comparison.
 * The rate limiter admits every hit here: the limits have their own tests, and a window that
 * turned between the two calls of a pair would make the two answers differ for a reason that is
 * not the call path.
 */
const SEED = Number(process.env.FAST_PATH_SEED ?? 20_261_202);
const RANDOM_BAD_VALUES = 4;
const RANDOM_WHOLE_INPUTS = 6;
const ADMIN_EMAIL = "fast-path-differential@example.test";

interface Side {
  platform: TestPlatform;
  services: Services;
  authorization: string;
}

let fast: Side;
let trpc: Side;

beforeAll(async () => {
  const start = async (): Promise<Side> => {
    const platform = await startTestPlatform({ env: { CONTAINER_DRIVER: "simulator" } });
    const admin = await createUserWithKey(platform, { role: "admin", email: ADMIN_EMAIL });
    const services = { ...platform.platform.services, limiter: admitting(platform.platform.services.limiter) };
    return { platform, services, authorization: admin.headers.authorization };
  };
  [fast, trpc] = await Promise.all([start(), start()]);
});
afterAll(async () => {
  await Promise.all([fast?.platform.stop(), trpc?.platform.stop()]);
});

// Regenerating the API key revokes the one every other call signs in with: it goes last.
const routes: RestRoute[] = collectRestRoutes(appRouter).sort(
  (a, b) => Number(a.procedurePath === "account.regenerateApiKey") - Number(b.procedurePath === "account.regenerateApiKey"),
);

interface Case {
  label: string;
  input: unknown;
}

/** Valid and invalid inputs for one route, from its input schema. */
function casesFor(route: RestRoute): Case[] {
  if (!route.input) return [{ label: "no input", input: undefined }, ...randomWholeInputs()];
  const schema = jsonSchemaOf(route.input, "input") as JsonSchema;
  const properties = schema.properties ?? {};
  if (schema.type !== "object") {
    return [{ label: "valid sample", input: validSample(schema, SEED) }, ...randomWholeInputs()];
  }
  const valid: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(properties)) valid[name] = validSample(property, SEED);
  const cases: Case[] = [{ label: "valid sample", input: valid }];
  for (const name of schema.required ?? []) {
    const { [name]: _missing, ...rest } = valid;
    cases.push({ label: `${name} missing`, input: rest });
  }
  for (const [name, property] of Object.entries(properties)) {
    for (const bad of badValues(property, SEED, RANDOM_BAD_VALUES)) {
      // RawJson is JSON text no JavaScript value spells (1e400, -0); the HTTP tests send it.
      if (bad.value instanceof RawJson) continue;
      cases.push({ label: `${name}: ${bad.label}`, input: { ...valid, [name]: bad.value } });
    }
  }
  return [...cases, ...randomWholeInputs()];
}

function randomWholeInputs(): Case[] {
  return fc
    .sample(fc.jsonValue({ maxDepth: 3 }), { seed: SEED, numRuns: RANDOM_WHOLE_INPUTS })
    .map((input) => ({ label: "random whole input (fast-check)", input }));
}

type Outcome =
  | { ok: true; value: unknown }
  | { ok: false; trpcCode: string; message: string; appCode: string; appMessage: string; details: unknown };

function contextFor(side: Side, route: RestRoute, requestId: string): Context {
  return createContextInner(side.services, {
    requestId,
    ip: "203.0.113.7",
    headers: new Headers({ authorization: side.authorization, "user-agent": "fast-path-differential" }),
    method: route.meta.method,
    url: `${side.platform.url}${route.openapiPath}`,
  });
}

async function outcomeOf(side: Side, run: () => Promise<unknown>): Promise<Outcome> {
  try {
    let value = await run();
    if (isAsyncIterable(value)) value = await firstOf(value);
    return { ok: true, value: comparable(value, side.platform.url) };
  } catch (error) {
    const appError = toAppError(error);
    return {
      ok: false,
      trpcCode: error instanceof TRPCError ? error.code : `not a TRPCError: ${String(error)}`,
      message: error instanceof Error ? error.message : String(error),
      appCode: appError.code,
      appMessage: appError.message,
      details: appError.details ?? null,
    };
  }
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === "object" && value !== null && Symbol.asyncIterator in value;
}

/** A stream's first event (or its error); the stream is closed after it. */
async function firstOf(stream: AsyncIterable<unknown>): Promise<unknown> {
  const iterator = stream[Symbol.asyncIterator]();
  try {
    const first = await iterator.next();
    return { firstEvent: first.done ? "none" : first.value };
  } finally {
    await iterator.return?.();
  }
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const PREFIXED_ID = /\b[a-z]{2,8}_(?:live_)?[A-Za-z0-9_-]{10,}/g;
const JWT = /^eyJ[\w-]+\.[\w-]+\.[\w-]+$/;
/** Measurements (health's database round trip and uptime): the two platforms time their own. */
const MEASURED = new Set(["latency_ms", "uptime_s"]);

/** The value with what is random by nature replaced by a placeholder; the rest stays to compare. */
function comparable(value: unknown, baseUrl: string): unknown {
  if (value instanceof Date) return "<time>";
  if (typeof value === "string") {
    if (ISO_TIME.test(value)) return "<time>";
    if (JWT.test(value)) return "<jwt>";
    return value.replaceAll(baseUrl, "<base-url>").replace(PREFIXED_ID, "<id>");
  }
  if (Array.isArray(value)) return value.map((item) => comparable(item, baseUrl));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, MEASURED.has(key) && typeof item === "number" ? "<measured>" : comparable(item, baseUrl)]),
    );
  }
  return value;
}

const callTrpc = createCallerFactory(appRouter);

function viaCreateCaller(ctx: Context, path: string, input: unknown): Promise<unknown> {
  let node: unknown = callTrpc(ctx);
  for (const segment of path.split(".")) node = (node as Record<string, unknown>)[segment];
  return (node as (input: unknown) => Promise<unknown>)(input);
}

describe("every REST procedure: the fast path answers as tRPC's own caller does", () => {
  test("the real router's REST procedures are all here", () => {
    expect(routes.length).toBeGreaterThanOrEqual(35);
  });

  for (const route of routes) {
    test(route.procedurePath, async () => {
      const call = procedureCaller(route.procedure, route.procedurePath);
      const cases = casesFor(route);
      let index = 0;
      for (const { label, input } of cases) {
        const requestId = `req_differential_${index++}`;
        const fastOutcome = await outcomeOf(fast, () =>
          call({
            ctx: contextFor(fast, route, requestId),
            path: route.procedurePath,
            type: route.type,
            getRawInput: async () => input,
            signal: undefined,
          }),
        );
        const trpcOutcome = await outcomeOf(trpc, () => viaCreateCaller(contextFor(trpc, route, requestId), route.procedurePath, input));
        expect({ case: label, outcome: fastOutcome }).toEqual({ case: label, outcome: trpcOutcome });
      }
    });
  }
});
