import { getTRPCErrorFromUnknown, TRPCError, type AnyProcedure, type AnyRouter } from "@trpc/server";
import {
  getErrorShape,
  getHTTPStatusCode,
  isAsyncIterable,
  isObject,
  isPromise,
  transformTRPCResponse,
} from "@trpc/server/unstable-core-do-not-import";
import type { Context, RequestInfo } from "../trpc/context.ts";
import superjson from "superjson";
import { procedureCaller, type ProcedureCall } from "./call-procedure.ts";
import { plainJsonOrUndefined } from "./plain-json.ts";

const ENDPOINT = "/trpc/";

/**
 * The typed client's everyday request — `GET /trpc/<query>[,<query>…]?[batch=1&]input=…` from
 * `httpLink` / `httpBatchLink` — answered without tRPC's fetch adapter, with the same bytes on the
 * wire: the same router and procedures, each run through the REST fast path's chain runner
 * (src/rest/call-procedure.ts: the same middlewares, options and results as tRPC's own caller), the
 * same transformer (superjson) both ways, and tRPC's own `getErrorShape`, `transformTRPCResponse`
 * and `getHTTPStatusCode` for the response. What it saves per request: the adapter's two `new URL`s,
 * its content-type dispatch, the lazy input memo, an abort-signal combinator per call, and the
 * compiled object spreads of `resolveResponse` and `callProcedure`.
 *
 * Anything else is left to tRPC (`undefined` here, before anything has run): other methods,
 * streaming (`trpc-accept` or `accept: application/jsonl`), a content-type, a path that is not a
 * known query procedure (subscriptions, mutations, typos: tRPC's own errors), input that does not
 * parse or deserialize, an oversized batch. tests/foundation/trpc-fast-path-differential.test.ts
 * compares this path's responses with tRPC's fetch adapter's for every query procedure.
 */
export function createTrpcQueryFastPath(options: {
  router: AnyRouter;
  maxBatchSize: number;
  createContext(info: RequestInfo, responseHeaders: Headers): Context;
}): (request: Request, info: RequestInfo) => Promise<Response> | undefined {
  const { router, maxBatchSize, createContext } = options;
  const config = router._def._config;
  const deserialize = (value: unknown): unknown => config.transformer.input.deserialize(value);
  const serialize = (value: unknown): unknown => config.transformer.output.serialize(value);
  // superjson's output for plain JSON is `{ json }` (plain-json.ts); another transformer always serializes.
  const isSuperjson = config.transformer.output.serialize === superjson.serialize;
  const callers = new Map<string, ProcedureCall>();
  if (config.pathSeparator !== ".") return () => undefined;
  for (const [path, procedure] of Object.entries(router._def.procedures as Record<string, AnyProcedure>)) {
    if (procedure._def.type !== "query") continue;
    // A procedure the chain runner cannot compile stays on tRPC's own path.
    try {
      callers.set(path, procedureCaller(procedure, path));
    } catch {
      continue;
    }
  }

  return (request, info) => {
    if (request.method !== "GET" || request.headers.has("content-type") || request.headers.has("trpc-accept")) return undefined;
    const accept = request.headers.get("accept");
    if (accept !== null && accept.includes("application/jsonl")) return undefined;
    const parsed = parseCalls(request.url);
    if (!parsed) return undefined;
    const calls: { path: string; call: ProcedureCall; input: unknown }[] = [];
    for (let index = 0; index < parsed.paths.length; index++) {
      const path = parsed.paths[index] as string;
      const call = callers.get(path);
      if (!call) return undefined;
      calls.push({ path, call, input: undefined });
    }
    if (parsed.batch && calls.length > maxBatchSize) return undefined;
    // tRPC's reading of `input`: JSON; one value, or for a batch an object by call index.
    if (parsed.input) {
      try {
        const inputs: unknown = JSON.parse(parsed.input);
        if (!parsed.batch) {
          (calls[0] as { input: unknown }).input = deserialize(inputs);
        } else {
          if (!isObject(inputs)) return undefined;
          for (let index = 0; index < calls.length; index++) {
            const input = (inputs as Record<number, unknown>)[index];
            if (input !== undefined) (calls[index] as { input: unknown }).input = deserialize(input);
          }
        }
      } catch {
        return undefined;
      }
    }
    return respond(request, info, parsed.batch, calls);
  };

  async function respond(
    request: Request,
    info: RequestInfo,
    batch: boolean,
    calls: { path: string; call: ProcedureCall; input: unknown }[],
  ): Promise<Response> {
    const responseHeaders = new Headers();
    const ctx = createContext(info, responseHeaders);
    type Outcome = [error: TRPCError | undefined, data: unknown, streamLike?: true];
    const outcomes = await Promise.all(
      calls.map(({ path, call, input }, batchIndex) =>
        call({ ctx, path, type: "query", getRawInput: async () => input, signal: request.signal, batchIndex }).then(
          (data): Outcome =>
            isDataStream(data)
              ? [
                  new TRPCError({
                    code: "UNSUPPORTED_MEDIA_TYPE",
                    message: "Cannot use stream-like response in non-streaming request - use httpBatchStreamLink",
                  }),
                  undefined,
                  true,
                ]
              : [undefined, data],
          (cause: unknown): Outcome => [getTRPCErrorFromUnknown(cause), undefined],
        ),
      ),
    );
    const errors: (TRPCError | undefined)[] = [];
    const bodies = outcomes.map(([error, data, streamLike], index) => {
      errors.push(error);
      if (!error) return { result: { data } };
      const { path, input } = calls[index] as { path: string; input: unknown };
      // tRPC throws a single call's stream-like output to its outer handler, which names no path or input.
      if (streamLike && !batch) return { error: getErrorShape({ config, ctx, error, input: undefined, path: undefined, type: "query" }) };
      return { error: getErrorShape({ config, ctx, error, input, path, type: "query" }) };
    });
    const headers = new Headers([
      ["vary", "trpc-accept, accept"],
      ["content-type", "application/json"],
    ]);
    for (const [name, value] of responseHeaders.entries()) headers.append(name, value);
    // tRPC passes the errors index-aligned with the results (undefined where a call succeeded).
    const status = getHTTPStatusCode(bodies, errors as TRPCError[]);
    // Successes as transformTRPCResponse writes them (`{ result: { data } }`, data serialized); errors through it.
    const items = outcomes.map(([error, data], index) =>
      error ? transformTRPCResponse(config, bodies[index] as (typeof bodies)[number]) : { result: { data: (isSuperjson && plainJsonOrUndefined(data)) || serialize(data) } },
    );
    const json = batch ? items : items[0];
    return new Response(JSON.stringify(json), { status, headers });
  }
}

/** `/trpc/<paths>?<query>` → the procedure paths and the raw `input`, as tRPC reads them; null to leave it to tRPC. */
function parseCalls(url: string): { paths: string[]; batch: boolean; input: string | null } | null {
  const start = url.indexOf(ENDPOINT);
  if (start < 0) return null;
  const queryAt = url.indexOf("?", start);
  let path: string;
  try {
    path = decodeURIComponent(url.slice(start + ENDPOINT.length, queryAt < 0 ? undefined : queryAt));
  } catch {
    return null;
  }
  if (path.length === 0 || path.startsWith("/") || path.endsWith("/")) return null;
  const search = queryAt < 0 ? new URLSearchParams() : new URLSearchParams(url.slice(queryAt + 1));
  const batch = search.get("batch") === "1";
  return { paths: batch ? path.split(",") : [path], batch, input: search.get("input") };
}

/** tRPC's own test (resolveResponse's `isDataStream`): such output needs httpBatchStreamLink. */
function isDataStream(value: unknown): boolean {
  if (!isObject(value)) return false;
  if (isAsyncIterable(value)) return true;
  const values = Object.values(value);
  return values.some(isPromise) || values.some(isAsyncIterable);
}
