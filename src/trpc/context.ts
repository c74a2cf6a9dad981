import { resolvePrincipal } from "../auth/resolve-principal.ts";
import type { Principal } from "../platform/principal.ts";
import type { RequestInfo } from "../platform/request.ts";
import type { Services } from "../platform/services.ts";

export type { RequestInfo };

export interface Context {
  services: Services;
  request: RequestInfo;
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
  return {
    services,
    request,
    responseHeaders,
    principal: () => (resolved ??= resolvePrincipal(services, request, responseHeaders)),
  };
}
