import { limitPerCredential } from "../platform/rate-limit/per-credential.ts";
import { limitPerIpEndpoint, type EndpointLimit } from "../platform/rate-limit/per-ip-endpoint.ts";
import { canonicalIp } from "../platform/rate-limit/keys.ts";
import type { RestMeta } from "./meta.ts";
import { endpointLimitOf } from "../surfaces/endpoint-limits.ts";
import { surfaceNamed, type RateLimitPolicy } from "../surfaces/index.ts";
import type { Context } from "./context.ts";

/**
 * Each surface's documented rate limits (its `rateLimit` policy in src/surfaces), applied before a
 * procedure runs, REST and tRPC alike: a procedure with REST metadata is limited by its surface
 * whichever way it is called. The limiter (platform/rate-limit) counts. Procedures without REST
 * metadata and surfaces without a policy are not limited here. Undefined when there is nothing to
 * do (no limit, a ban-exempt route), so the common unlimited call costs no promise.
 */
export function applySurfaceRateLimit({ ctx, rest }: { ctx: Context; rest: RestMeta | undefined }): Promise<void> | undefined {
  if (!rest) return undefined;
  const limit = routeLimitOf(rest);
  if (limit.kind === "none") return undefined;
  if (limit.kind === "per-credential") return limitCredential(ctx, limit.scope, limit.policy);
  return limitEndpoint(ctx, limit);
}

type RouteLimit =
  | { kind: "none" }
  | { kind: "per-credential"; scope: string; policy: Extract<RateLimitPolicy, { kind: "per-credential" }> }
  | { kind: "per-ip-endpoint"; scope: string; policy: Extract<RateLimitPolicy, { kind: "per-ip-endpoint" }>; endpoint: EndpointLimit };

/** A procedure's policy, looked up in the registry on its first call and kept with its meta object. */
const resolved = new WeakMap<RestMeta, RouteLimit>();

function routeLimitOf(rest: RestMeta): RouteLimit {
  const known = resolved.get(rest);
  if (known) return known;
  const surface = surfaceNamed(rest.surface);
  const policy = surface.rateLimit;
  const limit: RouteLimit =
    policy.kind === "per-ip-endpoint"
      ? { kind: policy.kind, scope: surface.name, policy, endpoint: endpointLimitOf(policy, rest.path) }
      : policy.kind === "per-credential"
        ? { kind: policy.kind, scope: surface.name, policy }
        : { kind: "none" };
  resolved.set(rest, limit);
  return limit;
}

async function limitCredential(
  ctx: Context,
  scope: string,
  policy: Extract<RateLimitPolicy, { kind: "per-credential" }>,
): Promise<void> {
  const { services, request, responseHeaders } = ctx;
  await limitPerCredential({
    limiter: services.limiter,
    scope,
    rule: policy.rule,
    principal: await ctx.principal(),
    ip: canonicalIp(request.ip),
    responseHeaders,
  });
}

function limitEndpoint(ctx: Context, limit: Extract<RouteLimit, { kind: "per-ip-endpoint" }>): Promise<void> | undefined {
  const { services, request, responseHeaders } = ctx;
  return limitPerIpEndpoint(
    { limiter: services.limiter, db: services.db, logger: services.logger },
    {
      scope: limit.scope,
      endpoint: limit.endpoint,
      autoBan: limit.policy.autoBan,
      ip: canonicalIp(request.ip),
      requestId: request.requestId,
      responseHeaders,
      adminUserId: () => signedInAdmin(ctx),
    },
  );
}

/** The caller's user id when it is a signed-in admin; a bad credential counts as anonymous here (its 401 comes later). */
async function signedInAdmin(ctx: Context): Promise<string | null> {
  const principal = await ctx.principal().catch(() => null);
  return principal?.role === "admin" ? principal.userId : null;
}
