import { getTRPCErrorFromUnknown, TRPCError, type AnyProcedure } from "@trpc/server";
import { getParseFn, isObject } from "@trpc/server/unstable-core-do-not-import";
import type { Context } from "../trpc/context.ts";

/**
 * Runs a procedure's middleware chain for the REST adapter: the same middlewares, in the same
 * order, with the same options and results as tRPC's own caller (`callRecursive` in
 * `@trpc/server`, v11). Two things differ, both for speed on the REST path:
 * - no compiled object-spread helper (tRPC makes about sixteen descriptor-copying copies a call);
 * - tRPC's own input and output validator middlewares (marked `_type: "input" | "output"`) are
 *   replaced by equivalents built once from the procedure's schemas with tRPC's own `getParseFn`:
 *   the same parse, the same errors (BAD_REQUEST with the issues as cause for input;
 *   INTERNAL_SERVER_ERROR "Output validation failed" for output), the same merge of successive
 *   inputs — without an async frame and two copies of the result per call.
 * The /trpc endpoint's GET queries use it too (src/rest/trpc-fast-path.ts); everything else on
 * /trpc, and createCaller, still call procedures tRPC's own way. This leans
 * on `_def.middlewares`, `_def.inputs`, `_def.output` and the middleware options/result shape,
 * which are tRPC internals (the versions of @trpc/server and zod are pinned exactly for this): a
 * procedure not shaped as expected (or with an experimental caller) stops start-up, naming it, and
 * tests/foundation/fast-path-differential.test.ts compares every REST procedure's answers here with
 * tRPC's own caller's.
 */
export type ProcedureCall = (options: ProcedureCallOptions) => Promise<unknown>;

export interface ProcedureCallOptions {
  ctx: Context;
  path: string;
  type: "query" | "mutation" | "subscription";
  getRawInput: () => Promise<unknown>;
  signal: AbortSignal | undefined;
  /** The call's place in a tRPC batch; 0 for REST. */
  batchIndex?: number;
}

interface NextOptions {
  ctx?: Record<string, unknown>;
  input?: unknown;
  getRawInput?: () => Promise<unknown>;
}

interface MiddlewareOptions {
  ctx: unknown;
  path: string;
  type: ProcedureCallOptions["type"];
  input: unknown;
  getRawInput: () => Promise<unknown>;
  signal: AbortSignal | undefined;
  batchIndex: number;
  meta: unknown;
  next(options?: NextOptions): Promise<MiddlewareResult>;
}

type MiddlewareResult = { ok: true; data: unknown } | { ok: false; error: TRPCError };
type Middleware = ((options: MiddlewareOptions) => Promise<MiddlewareResult>) & { _type?: string };

interface ProcedureInternals {
  middlewares?: Middleware[];
  inputs?: unknown[];
  output?: unknown;
  meta?: unknown;
  caller?: unknown;
}

type Parse = (value: unknown) => unknown;
type Schema = Parameters<typeof getParseFn>[0];

/**
 * The fast-path caller for one procedure. Throws, naming the procedure (`procedurePath`) and why,
 * when its internals are not the shape this file compiles: start-up then fails instead of the
 * route silently taking another path.
 */
export function procedureCaller(procedure: AnyProcedure, procedurePath: string): ProcedureCall {
  const def = procedure._def as unknown as ProcedureInternals;
  const chain = compileChain(def);
  if (typeof chain === "string") {
    throw new Error(`REST procedure ${procedurePath} cannot be compiled for the fast path (src/rest/call-procedure.ts): ${chain}`);
  }
  const meta = def.meta;
  const last = chain.length - 1;

  const step = (
    index: number,
    ctx: unknown,
    input: unknown,
    getRawInput: () => Promise<unknown>,
    call: ProcedureCallOptions,
  ): Promise<MiddlewareResult> => {
    const middleware = chain[index] as Middleware;
    try {
      const result = middleware({
        ctx,
        path: call.path,
        type: call.type,
        input,
        getRawInput,
        signal: call.signal,
        batchIndex: call.batchIndex ?? 0,
        meta,
        next:
          index === last
            ? unexpectedNext
            : (next) =>
                step(
                  index + 1,
                  next?.ctx ? { ...(ctx as Record<string, unknown>), ...next.ctx } : ctx,
                  next && "input" in next ? next.input : input,
                  next?.getRawInput ?? getRawInput,
                  call,
                ),
      });
      // A middleware may answer synchronously; tRPC awaits whatever it returns.
      return (result instanceof Promise ? result : Promise.resolve(result)).then(undefined, failed);
    } catch (cause) {
      return Promise.resolve(failed(cause));
    }
  };

  return async (call) => {
    const result = await step(0, call.ctx, undefined, call.getRawInput, call);
    if (!result) {
      throw new TRPCError({
        code: "INTERNAL_SERVER_ERROR",
        message: "No result from middlewares - did you forget to `return next()`?",
      });
    }
    if (!result.ok) throw result.error;
    return result.data;
  };
}

const failed = (cause: unknown): MiddlewareResult => ({ ok: false, error: getTRPCErrorFromUnknown(cause) });

// The resolver is the last middleware; tRPC's `next` past the end answers the same way.
const unexpectedNext = (): Promise<MiddlewareResult> =>
  Promise.resolve(failed(new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: "No more middlewares" })));

/**
 * The chain with tRPC's validator middlewares swapped for precompiled ones, or why the procedure's
 * internals do not fit (no middleware chain, an experimental caller, validators that cannot be
 * matched to its schemas).
 */
function compileChain(def: ProcedureInternals): Middleware[] | string {
  if (def.caller) return "it has an experimental caller";
  if (!Array.isArray(def.middlewares) || def.middlewares.length === 0) return "it has no middleware chain in _def.middlewares";
  const inputs = def.inputs ?? [];
  let nextInput = 0;
  const chain: Middleware[] = [];
  for (const middleware of def.middlewares) {
    if (typeof middleware !== "function") return "a middleware is not a function";
    if (middleware._type === "input") {
      if (nextInput >= inputs.length) return "it has more input validators than input schemas";
      const parse = parseFnOf(inputs[nextInput++]);
      if (typeof parse === "string") return parse;
      chain.push(inputMiddleware(parse));
    } else if (middleware._type === "output") {
      const parse = parseFnOf(def.output);
      if (typeof parse === "string") return parse;
      chain.push(outputMiddleware(parse));
    } else {
      chain.push(middleware);
    }
  }
  return nextInput === inputs.length ? chain : "it has fewer input validators than input schemas";
}

function parseFnOf(schema: unknown): Parse | string {
  try {
    return getParseFn(schema as Schema);
  } catch {
    return "a schema has no validator tRPC's getParseFn recognises";
  }
}

function inputMiddleware(parse: Parse): Middleware {
  return async (options) => {
    const raw = await options.getRawInput();
    let parsed: unknown;
    try {
      parsed = await parse(raw);
    } catch (cause) {
      throw new TRPCError({ code: "BAD_REQUEST", cause: cause as Error });
    }
    const input = isObject(options.input) && isObject(parsed) ? { ...options.input, ...parsed } : parsed;
    return options.next({ input });
  };
}

function outputMiddleware(parse: Parse): Middleware {
  const invalid = (cause: unknown) =>
    new TRPCError({ message: "Output validation failed", code: "INTERNAL_SERVER_ERROR", cause: cause as Error });
  const validate = (result: MiddlewareResult): MiddlewareResult | Promise<MiddlewareResult> => {
    if (!result.ok) return result;
    let data: unknown;
    try {
      data = parse(result.data);
    } catch (cause) {
      throw invalid(cause);
    }
    if (data instanceof Promise) {
      return data.then(
        (value: unknown) => ({ ...result, data: value }),
        (cause: unknown) => {
          throw invalid(cause);
        },
      );
    }
    return { ...result, data };
  };
  return (options) => options.next().then(validate);
}
