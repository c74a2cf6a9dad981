import { getTRPCErrorFromUnknown, TRPCError, type AnyProcedure } from "@trpc/server";
import type { Context } from "../trpc/context.ts";

/**
 * Runs a procedure's middleware chain for the REST adapter: the same middlewares, in the same
 * order, with the same options and results as tRPC's own caller (`callRecursive` in
 * `@trpc/server`, v11), including its input and output validation middlewares, only without its
 * compiled object-spread helper, which cost ~1 µs per copy and made about sixteen copies per call.
 * tRPC itself (the /trpc endpoint, createCaller) still calls procedures its own way. This leans
 * on `_def.middlewares` and the middleware options/result shape, which are tRPC internals: the
 * REST adapter, validation and rate-limit tests exercise it, and a procedure not shaped as
 * expected (or with an experimental caller) falls back to tRPC's own call.
 */
export type ProcedureCall = (options: ProcedureCallOptions) => Promise<unknown>;

export interface ProcedureCallOptions {
  ctx: Context;
  path: string;
  type: "query" | "mutation" | "subscription";
  getRawInput: () => Promise<unknown>;
  signal: AbortSignal | undefined;
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
type Middleware = (options: MiddlewareOptions) => Promise<MiddlewareResult>;

interface ProcedureInternals {
  middlewares?: Middleware[];
  meta?: unknown;
  caller?: unknown;
}

/** A caller for one procedure, or tRPC's own when the procedure is not shaped as expected. */
export function procedureCaller(procedure: AnyProcedure): ProcedureCall {
  const def = procedure._def as unknown as ProcedureInternals;
  const middlewares = def.middlewares;
  if (!Array.isArray(middlewares) || middlewares.length === 0 || def.caller) {
    return (options) => procedure({ ...options, batchIndex: 0 });
  }
  const meta = def.meta;

  const step = async (
    index: number,
    ctx: unknown,
    input: unknown,
    getRawInput: () => Promise<unknown>,
    call: ProcedureCallOptions,
  ): Promise<MiddlewareResult> => {
    try {
      const middleware = middlewares[index] as Middleware;
      return await middleware({
        ctx,
        path: call.path,
        type: call.type,
        input,
        getRawInput,
        signal: call.signal,
        batchIndex: 0,
        meta,
        next: (next) =>
          step(
            index + 1,
            next?.ctx ? { ...(ctx as Record<string, unknown>), ...next.ctx } : ctx,
            next && "input" in next ? next.input : input,
            next?.getRawInput ?? getRawInput,
            call,
          ),
      });
    } catch (cause) {
      return { ok: false, error: getTRPCErrorFromUnknown(cause) };
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
