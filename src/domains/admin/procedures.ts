import { adminProcedure } from "../../trpc/procedures.ts";
import { listIpBans } from "../rate-limits/index.ts";
import { canonicalIp } from "../../platform/rate-limit/keys.ts";
import {
  ZAuditPage,
  ZAuditQuery,
  ZBan,
  ZBanInput,
  ZBanList,
  ZSetRoleInput,
  ZSetRoleResponse,
  ZUnbanInput,
  ZUnbanResponse,
} from "./admin.types.ts";
import type { SignedInActor } from "../../platform/request.ts";
import { banAsAdmin, searchAudit, setUserRole, unbanAsAdmin } from "./service.ts";

/**
 * `admin.*`, for users whose role is admin. The ban procedures are also the compute surface's
 * `/admin/bans` routes (bearer API key; 20 requests per minute, as every `/admin/*`: per admin for a
 * signed-in admin, per IP for anyone else).
 * Invite procedures are merged in beside these by the invites domain.
 */
const tags = ["admin"];
const policy =
  "Admin only: a bearer API key of a user whose role is admin (401 without, 403 otherwise). Every /admin/* route " +
  "shares one budget of 20 requests per minute (429 with X-RateLimit-Limit/Remaining/Reset and Retry-After): a " +
  "signed-in admin has a budget of their own and is never refused for their IP's ban, so traffic from the same " +
  "address cannot lock an admin out; any other caller counts per IP, each of its 429s is a violation, and 10 in an " +
  "hour ban the IP for an hour. A banned IP gets 403 on every compute endpoint except /health and, for admins, " +
  "/admin/*. Bans are kept in the database and survive restarts.";

/** Admin audit rows record the address in its canonical spelling, as bans do. */
function actorOf(ctx: { actor: SignedInActor }): SignedInActor {
  return { ...ctx.actor, ip: canonicalIp(ctx.actor.ip) };
}

const adminErrors = { 403: "The caller is not a platform admin (a non-admin caller from a banned IP also gets 403)." };

export const adminProcedures = {
  listBans: adminProcedure
    .meta({ access: "admin", rest: { method: "GET", path: "/admin/bans", surface: "compute", auth: ["bearer"], tags, summary: "List IP bans", description: policy, errors: adminErrors } })
    .output(ZBanList)
    .query(async ({ ctx }) => ({ bans: await listIpBans(ctx.services.limiter) })),

  ban: adminProcedure
    .meta({
      access: "admin",
      rest: {
        method: "POST",
        path: "/admin/bans",
        surface: "compute",
        status: 201,
        auth: ["bearer"],
        tags,
        summary: "Ban an IP from the compute API",
        description: `Replaces any current ban of the address. ${policy}`,
        errors: adminErrors,
      },
    })
    .input(ZBanInput)
    .output(ZBan)
    .mutation(({ ctx, input }) =>
      banAsAdmin(
        { db: ctx.services.db, logger: ctx.services.logger, limiter: ctx.services.limiter },
        actorOf(ctx),
        { ip: input.ip, minutes: input.duration_minutes },
      ),
    ),

  unban: adminProcedure
    .meta({
      access: "admin",
      rest: {
        method: "DELETE",
        path: "/admin/bans/:ip",
        surface: "compute",
        auth: ["bearer"],
        tags,
        summary: "Lift an IP ban",
        description: `Also forgets the address's violations and compute rate-limit counters. ${policy}`,
        errors: adminErrors,
      },
    })
    .input(ZUnbanInput)
    .output(ZUnbanResponse)
    .mutation(({ ctx, input }) =>
      unbanAsAdmin({ db: ctx.services.db, logger: ctx.services.logger, limiter: ctx.services.limiter }, actorOf(ctx), input.ip),
    ),

  audit: adminProcedure
    .meta({ access: "admin" })
    .input(ZAuditQuery)
    .output(ZAuditPage)
    .query(({ ctx, input }) =>
      searchAudit(ctx.services.db, {
        actorId: input.actor_id,
        action: input.action,
        subject: input.subject,
        outcome: input.outcome,
        since: input.since,
        until: input.until,
        cursor: input.cursor,
        limit: input.limit,
      }),
    ),

  setRole: adminProcedure
    .meta({ access: "admin" })
    .input(ZSetRoleInput)
    .output(ZSetRoleResponse)
    .mutation(({ ctx, input }) =>
      setUserRole(
        { db: ctx.services.db, logger: ctx.services.logger, cache: ctx.services.principalCache },
        actorOf(ctx),
        { userId: input.user_id, role: input.role },
      ),
    ),
};
