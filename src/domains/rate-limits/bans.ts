import type { RateLimiter } from "../../platform/rate-limit/types.ts";
import { BAN_KEY_PREFIX, banKey, canonicalIp, endpointBucket } from "../../platform/rate-limit/keys.ts";
import { compute, COMPUTE_LIMITS } from "../../surfaces/compute.ts";

/** Compute-surface IP bans, as admins see them. Automatic bans come from platform/rate-limit/per-ip-endpoint.ts. */
export interface IpBan {
  ip: string;
  until: Date;
}

export async function listIpBans(limiter: RateLimiter): Promise<IpBan[]> {
  const bans = await limiter.listBans(BAN_KEY_PREFIX);
  return bans.map((ban) => ({ ip: ban.key.slice(BAN_KEY_PREFIX.length), until: new Date(ban.until * 1000) }));
}

/** Bans (or re-bans, replacing the end) an IP for `minutes` from now. */
export async function banIp(limiter: RateLimiter, input: { ip: string; minutes: number }): Promise<IpBan> {
  const ip = canonicalIp(input.ip);
  const until = await limiter.ban(banKey(ip), input.minutes * 60_000);
  return { ip, until: new Date(until * 1000) };
}

/**
 * Lifts the ban, forgets its violations and empties its compute counters, so the address is back
 * to a clean slate at once. Says whether a ban was in force.
 */
export async function unbanIp(limiter: RateLimiter, rawIp: string): Promise<{ ip: string; wasBanned: boolean }> {
  const ip = canonicalIp(rawIp);
  const wasBanned = (await limiter.isBanned(banKey(ip))) !== null;
  await limiter.unban(banKey(ip));
  await Promise.all(
    Object.entries(COMPUTE_LIMITS)
      .filter(([, rule]) => rule !== null)
      .map(([pattern]) => limiter.reset(endpointBucket(compute.name, pattern, ip))),
  );
  return { ip, wasBanned };
}
