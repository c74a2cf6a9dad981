import { resolvePrincipal } from "../domains/identity/resolve-principal.ts";
import type { Principal } from "../platform/principal.ts";
import type { Services } from "../platform/services.ts";

/** What a procedure knows about the HTTP request that reached it, whatever the transport. */
export interface RequestInfo {
  requestId: string;
  ip: string;
  headers: Headers;
  method: string;
  url: string;
}

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
