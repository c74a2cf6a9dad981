import { adminProcedure } from "../../../trpc/procedures.ts";
import { ZUnbanInput, ZUnbanResponse } from "../admin.types.ts";
import { ADMIN_ERRORS, ADMIN_POLICY, ADMIN_TAGS, adminActorOf } from "../compute-policy.ts";
import { unbanAsAdmin } from "../service.ts";

export const unbanIp = adminProcedure
  .meta({
    access: "admin",
    rest: {
      method: "DELETE",
      path: "/admin/bans/:ip",
      surface: "compute",
      auth: ["bearer"],
      tags: ADMIN_TAGS,
      summary: "Lift an IP ban",
      description: `Also forgets the address's violations and compute rate-limit counters. ${ADMIN_POLICY}`,
      errors: ADMIN_ERRORS,
    },
  })
  .input(ZUnbanInput)
  .output(ZUnbanResponse)
  .mutation(({ ctx, input }) =>
    unbanAsAdmin({ db: ctx.services.db, logger: ctx.services.logger, limiter: ctx.services.limiter }, adminActorOf(ctx), input.ip),
  );
