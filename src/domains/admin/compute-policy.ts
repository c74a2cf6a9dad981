import type { SignedInActor } from "../../platform/request.ts";
import { canonicalIp } from "../../platform/rate-limit/keys.ts";

/**
 * The ban procedures are also the compute surface's `/admin/bans` routes (bearer API key; 20
 * requests per minute, as every `/admin/*`: per admin for a signed-in admin, per IP for anyone else).
 */
export const ADMIN_TAGS = ["admin"];
export const ADMIN_POLICY =
  "Admin only: a bearer API key of a user whose role is admin (401 without, 403 otherwise). Every /admin/* route " +
  "shares one budget of 20 requests per minute (429 with X-RateLimit-Limit/Remaining/Reset and Retry-After): a " +
  "signed-in admin has a budget of their own and is never refused for their IP's ban, so traffic from the same " +
  "address cannot lock an admin out; any other caller counts per IP, each of its 429s is a violation, and 10 in an " +
  "hour ban the IP for an hour. A banned IP gets 403 on every compute endpoint except /health and, for admins, " +
  "/admin/*. Bans are kept in the database and survive restarts.";

export const ADMIN_ERRORS = { 403: "The caller is not a platform admin (a non-admin caller from a banned IP also gets 403)." };

/** Admin audit rows record the address in its canonical spelling, as bans do. */
export function adminActorOf(ctx: { actor: SignedInActor }): SignedInActor {
  return { ...ctx.actor, ip: canonicalIp(ctx.actor.ip) };
}
