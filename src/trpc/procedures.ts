import { AppError } from "../platform/errors.ts";
import type { SignedInActor } from "../platform/request.ts";
import { baseProcedure, middleware } from "./init.ts";
import { rejectUnwantedText } from "./input-hygiene.ts";
import { applySurfaceRateLimit } from "./surface-rate-limit.ts";

/**
 * The procedure chain: public → authed → admin. Each surface's rate-limit policy runs first
 * (hosting per API key, compute per IP and endpoint with auto-ban), for REST and tRPC alike.
 */
const surfaceRateLimit = middleware(({ ctx, meta, next }) => {
  const limiting = applySurfaceRateLimit({ ctx, rest: meta?.rest });
  return limiting ? limiting.then(() => next()) : next();
});

const requirePrincipal = middleware(async ({ ctx, next }) => {
  const principal = await ctx.principal();
  if (!principal) throw new AppError("UNAUTHENTICATED", "Authentication required");
  const actor: SignedInActor = { ...ctx.meta, userId: principal.userId };
  return next({ ctx: { auth: principal, actor } });
});

export const publicProcedure = baseProcedure.use(surfaceRateLimit).use(rejectUnwantedText);
/** `ctx.auth` is the signed-in principal, and `ctx.actor` carries its user id. */
export const authedProcedure = publicProcedure.use(requirePrincipal);
export const adminProcedure = authedProcedure.use(async ({ ctx, next }) => {
  if (ctx.auth.role !== "admin") throw new AppError("FORBIDDEN", "Admin role required");
  return next();
});
