import type { RestMeta } from "../../rest/meta.ts";
import type { Context } from "../../trpc/context.ts";
import { limitCompute } from "./compute.ts";
import { limitHosting } from "./hosting.ts";
import { canonicalIp } from "./keys.ts";

/**
 * Each surface's documented rate limits, applied before a procedure runs (REST and tRPC alike:
 * a procedure with REST metadata is limited by its surface whichever way it is called). The
 * numbers live in limits.ts. Procedures without REST metadata and the other surfaces are not
 * limited here.
 */
export async function applySurfaceRateLimit({ ctx, rest }: { ctx: Context; rest: RestMeta | undefined }): Promise<void> {
  if (!rest) return;
  const { services, request, responseHeaders } = ctx;
  const ip = canonicalIp(request.ip);
  if (rest.surface === "hosting") {
    await limitHosting({ limiter: services.limiter, principal: await ctx.principal(), ip, responseHeaders });
  } else if (rest.surface === "compute") {
    await limitCompute(
      { limiter: services.limiter, db: services.db, logger: services.logger },
      { template: rest.path, ip, requestId: request.requestId, responseHeaders },
    );
  }
}
