import type { RequestInfo } from "../trpc/context.ts";

const INCOMING_ID = /^[\w.:-]{1,128}$/;

export function requestIdFrom(headers: Headers): string {
  const incoming = headers.get("x-request-id");
  return incoming && INCOMING_ID.test(incoming) ? incoming : `req_${crypto.randomUUID().replaceAll("-", "")}`;
}

/**
 * The client address: the socket's, unless the socket is a trusted proxy, in which case the
 * right-most address in X-Forwarded-For that is not itself a trusted proxy.
 */
export function clientIp(headers: Headers, socketIp: string, trustedProxies: readonly string[]): string {
  if (trustedProxies.length === 0 || !trustedProxies.includes(socketIp)) return socketIp;
  const forwarded = headers.get("x-forwarded-for");
  if (!forwarded) return socketIp;
  // One hop, the usual case behind a single proxy: no arrays.
  if (!forwarded.includes(",")) {
    const hop = forwarded.trim();
    return hop && !trustedProxies.includes(hop) ? hop : socketIp;
  }
  const hops = forwarded.split(",").map((h) => h.trim()).filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i] as string;
    if (!trustedProxies.includes(hop)) return hop;
  }
  return socketIp;
}

export function buildRequestInfo(
  request: Request,
  requestId: string,
  socketIp: string,
  trustedProxies: readonly string[],
): RequestInfo {
  return {
    requestId,
    ip: clientIp(request.headers, socketIp, trustedProxies),
    headers: request.headers,
    method: request.method,
    url: request.url,
  };
}
