import type { RestMeta } from "../../rest/meta.ts";
import type { Context } from "../../trpc/context.ts";
import { limitCompute } from "./compute.ts";
import { limitHosting } from "./hosting.ts";
import { canonicalIp } from "./keys.ts";

/**
 * Each surface's documented rate limits, applied before a procedure runs (REST and tRPC alike:
 * a procedure with REST metadata is limited by its surface whichever way it is called). The
 * numbers live in limits.ts. Procedures without REST metadata and the other surfaces are not
 * limited here. Undefined when there is nothing to do (no limit, a ban-exempt compute route), so
 * the common unlimited call costs no promise.
 */
export function applySurfaceRateLimit({ ctx, rest }: { ctx: Context; rest: RestMeta | undefined }): Promise<void> | undefined {
  if (!rest) return undefined;
  if (rest.surface === "hosting") return limitHostingRequest(ctx);
  if (rest.surface === "compute") return limitComputeRequest(ctx, rest.path);
  return undefined;
}

async function limitHostingRequest(ctx: Context): Promise<void> {
  const { services, request, responseHeaders } = ctx;
  await limitHosting({ limiter: services.limiter, principal: await ctx.principal(), ip: canonicalIp(request.ip), responseHeaders });
}

function limitComputeRequest(ctx: Context, template: string): Promise<void> | undefined {
  const { services, request, responseHeaders } = ctx;
  return limitCompute(
    { limiter: services.limiter, db: services.db, logger: services.logger },
    { template, ip: canonicalIp(request.ip), requestId: request.requestId, responseHeaders, adminUserId: () => signedInAdmin(ctx) },
  );
}

/** The caller's user id when it is a signed-in admin; a bad credential counts as anonymous here (its 401 comes later). */
async function signedInAdmin(ctx: Context): Promise<string | null> {
  const principal = await ctx.principal().catch(() => null);
  return principal?.role === "admin" ? principal.userId : null;
}
