/**
 * Hop-by-hop header fields (RFC 9110 §7.6.1): they describe one connection, so a proxy drops them
 * (and any field the `Connection` header names) instead of forwarding them. The subdomain proxy
 * and the Anthropic proxy both use this list.
 */
export const HOP_BY_HOP_HEADERS: readonly string[] = [
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
];

const HOP_BY_HOP = new Set(HOP_BY_HOP_HEADERS);

/** Whether `name` (lower-case) must not cross the proxy, given the message's own `Connection` header. */
export function hopByHop(headers: Headers): (name: string) => boolean {
  const connection = headers.get("connection");
  if (!connection) return (name) => HOP_BY_HOP.has(name);
  const named = new Set(connection.toLowerCase().split(",").map((token) => token.trim()).filter(Boolean));
  return (name) => HOP_BY_HOP.has(name) || named.has(name);
}
