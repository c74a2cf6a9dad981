import { getTRPCErrorFromUnknown, initTRPC, type TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ERROR_TABLE } from "../platform/errors.ts";
import type { ProcedureMeta } from "../rest/meta.ts";
import type { Context } from "./context.ts";
import { InternalError, toAppError, toTrpcError } from "./errors.ts";

const t = initTRPC
  .context<Context>()
  .meta<ProcedureMeta>()
  .create({
    transformer: superjson,
    sse: {
      ping: { enabled: true, intervalMs: 15_000 },
      client: { reconnectAfterInactivityMs: 20_000 },
    },
    errorFormatter({ shape, error, ctx }) {
      const appError = toAppError(error);
      const row = ERROR_TABLE[appError.code];
      return {
        ...shape,
        message: appError.message,
        data: {
          code: shape.data.code,
          httpStatus: row.status,
          path: shape.data.path,
          appCode: appError.code,
          details: appError.details ?? null,
          requestId: ctx?.request.requestId ?? null,
        },
      };
    },
  });

/**
 * The AppError inside a failed call as the tRPC error to answer with (the table's code), with its
 * headers copied to the response; 5xx are logged once with the stack.
 */
function mapFailure(ctx: Context, path: string, error: TRPCError): TRPCError {
  const appError = toAppError(error);
  if (appError.status >= 500) {
    const cause = appError instanceof InternalError ? appError.original : appError;
    ctx.services.logger.error("request failed", {
      requestId: ctx.request.requestId,
      procedure: path,
      error: cause instanceof Error ? cause : String(cause),
    });
  }
  if (appError.headers) for (const [name, value] of Object.entries(appError.headers)) ctx.responseHeaders.set(name, value);
  // tRPC wraps a thrown AppError as INTERNAL_SERVER_ERROR; give it the table's code.
  const mapped = appError !== error.cause || error.code !== ERROR_TABLE[appError.code].trpc;
  return mapped ? toTrpcError(appError) : error;
}

/** A step every call of a procedure takes before its own middlewares and resolver (a rate limit). */
export type BeforeCall = (options: { ctx: Context; meta: ProcedureMeta | undefined }) => Promise<void>;

/**
 * A root for procedures: error mapping around an optional first step, in one middleware. Each
 * tRPC middleware level costs ~2 µs per call, so the chain's fixed work shares one level.
 */
export function rootProcedure(before?: BeforeCall) {
  return t.procedure.use(async ({ ctx, meta, path, next }) => {
    if (before) {
      try {
        await before({ ctx, meta });
      } catch (cause) {
        // As if the step were a middleware of its own: tRPC's wrapping, then the mapping.
        throw mapFailure(ctx, path, getTRPCErrorFromUnknown(cause));
      }
    }
    const result = await next();
    if (result.ok) return result;
    const mapped = mapFailure(ctx, path, result.error);
    return mapped === result.error ? result : { ...result, error: mapped };
  });
}

export const router = t.router;
export const middleware = t.middleware;
export const createCallerFactory = t.createCallerFactory;
/** Error mapping only. Use `publicProcedure` and friends from procedures.ts. */
export const baseProcedure = rootProcedure();
