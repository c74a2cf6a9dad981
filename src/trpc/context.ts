import { resolvePrincipal } from "../auth/resolve-principal.ts";
import type { Principal } from "../auth/principal.ts";
import { type Actor, type RequestInfo, type RequestMeta, requestMeta } from "../platform/request.ts";
import type { Services } from "../platform/services.ts";

export type { RequestInfo };

export interface Context {
  services: Services;
  request: RequestInfo;
  /** Where the request came from, built once: what sessions, audit rows and logs record. */
  meta: RequestMeta;
  /** Who is calling; `userId` is set once an authed procedure has resolved the principal. */
  actor: Actor;
  /** Headers a procedure wants on the response (cookies, rate-limit counters). */
  responseHeaders: Headers;
  /** The signed-in principal, resolved on first use and remembered for the request. */
  principal(): Promise<Principal | null>;
}

/** Transport-free context: tests and server-side callers build it directly (createCaller). */
export function createContextInner(
  services: Services,
  request: RequestInfo,
  responseHeaders: Headers = new Headers(),
): Context {
  let resolved: Promise<Principal | null> | undefined;
  const meta = requestMeta(request);
  return {
    services,
    request,
    meta,
    actor: { ...meta, userId: null },
    responseHeaders,
    principal: () => (resolved ??= resolvePrincipal(services, request, responseHeaders)),
  };
}
