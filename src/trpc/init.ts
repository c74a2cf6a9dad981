import { initTRPC } from "@trpc/server";
import superjson from "superjson";
import { ERROR_TABLE } from "../platform/errors.ts";
import type { ProcedureMeta } from "./meta.ts";
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

/** Turns AppErrors into tRPC errors with the table's code, and logs 5xx once with the stack. */
const errorMapping = t.middleware(async ({ ctx, next, path }) => {
  const result = await next();
  if (!result.ok) {
    const appError = toAppError(result.error);
    if (appError.status >= 500) {
      const cause = appError instanceof InternalError ? appError.original : appError;
      ctx.services.logger.error("request failed", {
        requestId: ctx.request.requestId,
        procedure: path,
        error: cause instanceof Error ? cause : String(cause),
      });
    }
    for (const [name, value] of Object.entries(appError.headers ?? {})) ctx.responseHeaders.set(name, value);
    // tRPC wraps a thrown AppError as INTERNAL_SERVER_ERROR; give it the table's code.
    if (appError !== result.error.cause || result.error.code !== ERROR_TABLE[appError.code].trpc) {
      return { ...result, error: toTrpcError(appError) };
    }
  }
  return result;
});

export const router = t.router;
export const middleware = t.middleware;
export const createCallerFactory = t.createCallerFactory;
/** The root of every procedure: error mapping. Use `publicProcedure` and friends from procedures.ts. */
export const baseProcedure = t.procedure.use(errorMapping);
