import type { AnyProcedure } from "@trpc/server";
import superjson from "superjson";
import { AppError, ERROR_CODES, type ErrorCode, type ErrorDetails } from "../platform/errors.ts";
import { fingerprintOf, IDEMPOTENCY_KEY_HEADER, IDEMPOTENT_REPLAYED_HEADER, runIdempotent, type Execution, type KeptOutcome } from "../platform/idempotency/index.ts";
import { toAppError } from "./errors.ts";
import { middleware } from "./init.ts";

/**
 * `Idempotency-Key` for one procedure, on REST and tRPC alike (the header of the request that
 * carried the call). A procedure opts in with `.use(idempotencyKey)` after its `.input()` and
 * `idempotent: true` in its meta (start-up checks the two agree). Placed there, it runs after the
 * rate limit, authentication and input validation, so, as at Stripe, a request refused before
 * the procedure began keeps nothing. Kept: the output, or an error the procedure answered below
 * 500 other than 429; a server error or a rate limit gives the key back for a retry (Stripe keeps
 * its 500s; here they come from a transaction that rolled back, or no capacity, and a retry
 * should run). Keys are per user: an anonymous call runs as if it had none. A procedure whose
 * output carries a secret (a new API key) must not opt in: the output is kept for 24 hours.
 */
export const idempotencyKey = middleware(async ({ ctx, path, input, next }) => {
  const key = ctx.request.headers.get(IDEMPOTENCY_KEY_HEADER);
  if (key === null) return next();
  const principal = await ctx.principal();
  if (!principal) return next();
  const result = await runIdempotent(
    { db: ctx.services.db, scope: principal.userId, route: path, key, fingerprint: fingerprintOf(input) },
    async (): Promise<Execution<Awaited<ReturnType<typeof next>>>> => {
      const value = await next();
      if (value.ok) return { value, keep: { status: 200, body: { data: superjson.serialize(value.data) } } };
      const error = toAppError(value.error);
      const keep = error.status < 500 && error.code !== "RATE_LIMITED";
      return { value, keep: keep ? { status: error.status, body: { error: { code: error.code, message: error.message, details: error.details ?? null } } } : null };
    },
  );
  if (!result.replayed) return result.value;
  ctx.responseHeaders.set(IDEMPOTENT_REPLAYED_HEADER, "true");
  const replayed = replay(result.outcome);
  // tRPC's middleware result type carries a marker that exists only in types.
  return { ok: true, data: replayed, marker: "middlewareMarker" } as unknown as Awaited<ReturnType<typeof next>>;
});

interface KeptBody {
  data?: Parameters<typeof superjson.deserialize>[0];
  error?: { code: string; message: string; details: ErrorDetails | null };
}

/** The kept output, or the kept error thrown again. */
function replay(outcome: KeptOutcome): unknown {
  const body = outcome.body as KeptBody;
  if (body.error) {
    const code = (ERROR_CODES as readonly string[]).includes(body.error.code) ? (body.error.code as ErrorCode) : "INTERNAL";
    throw new AppError(code, body.error.message, body.error.details ?? undefined);
  }
  return body.data === undefined ? undefined : superjson.deserialize(body.data);
}

/** Whether a procedure's chain runs idempotencyKey (start-up compares it with `meta.idempotent`). */
export function usesIdempotencyKey(procedure: AnyProcedure): boolean {
  const middlewares = (procedure._def as { middlewares?: unknown[] }).middlewares ?? [];
  const own = (idempotencyKey as unknown as { _middlewares: unknown[] })._middlewares;
  return own.every((fn) => middlewares.includes(fn));
}

/**
 * Start-up check for one REST route: `meta.idempotent` and `.use(idempotencyKey)` go together,
 * and only on POST (GET, PUT and DELETE are idempotent by definition). Throws naming the procedure.
 */
export function checkIdempotencyDeclaration(procedurePath: string, procedure: AnyProcedure, method: string): void {
  const declared = (procedure._def as { meta?: { idempotent?: true } }).meta?.idempotent === true;
  const used = usesIdempotencyKey(procedure);
  if (declared !== used) {
    throw new Error(`${procedurePath}: meta.idempotent and .use(idempotencyKey) must go together (${declared ? "meta without the middleware" : "the middleware without meta"})`);
  }
  if (declared && method !== "POST") throw new Error(`${procedurePath}: Idempotency-Key applies to POST routes only, not ${method}`);
}
