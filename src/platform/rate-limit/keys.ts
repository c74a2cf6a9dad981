/** The caller a credential bucket counts: the fields of auth's Principal it reads. */
export interface CountedCaller {
  userId: string;
  method: string;
  credentialId: string;
}

/**
 * Limiter keys. Counters and bans are per key, so every bucket gets its own namespace here and
 * nowhere else. `scope` is the surface whose policy counts (`hosting:key:…`, `compute:/tiers:…`).
 */
export function credentialBucket(scope: string, principal: CountedCaller | null, ip: string): string {
  if (!principal) return `${scope}:ip:${ip}`;
  // API keys as documented; other credentials per user, so refreshing a token buys no budget.
  return principal.method === "api_key" ? `${scope}:key:${principal.credentialId}` : `${scope}:user:${principal.userId}`;
}

export function endpointBucket(scope: string, pattern: string, ip: string): string {
  return `${scope}:${pattern}:${ip}`;
}

/** An authenticated admin's own budget on the admin routes. */
export function endpointAdminBucket(scope: string, pattern: string, userId: string): string {
  return `${scope}:${pattern}:user:${userId}`;
}

/** Violations and bans are per IP, whichever endpoint was abused. */
export const BAN_KEY_PREFIX = "ip:";

export function banKey(ip: string): string {
  return `${BAN_KEY_PREFIX}${ip}`;
}

/**
 * One spelling per address, so an admin's ban of `1.2.3.4` matches a dual-stack socket's
 * `::ffff:1.2.3.4`, and IPv6 case does not matter.
 */
export function canonicalIp(ip: string): string {
  const trimmed = ip.trim().toLowerCase();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(trimmed);
  return mapped ? (mapped[1] as string) : trimmed;
}
