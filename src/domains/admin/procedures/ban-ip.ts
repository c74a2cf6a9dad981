import { adminProcedure } from "../../../trpc/procedures.ts";
import { ZBan, ZBanInput } from "../admin.types.ts";
import { ADMIN_ERRORS, ADMIN_POLICY, ADMIN_TAGS, adminActorOf } from "../compute-policy.ts";
import { banAsAdmin } from "../service.ts";

export const banIp = adminProcedure
  .meta({
    access: "admin",
    rest: {
      method: "POST",
      path: "/admin/bans",
      surface: "compute",
      status: 201,
      auth: ["bearer"],
      tags: ADMIN_TAGS,
      summary: "Ban an IP from the compute API",
      description: `Replaces any current ban of the address. ${ADMIN_POLICY}`,
      errors: ADMIN_ERRORS,
    },
  })
  .input(ZBanInput)
  .output(ZBan)
  .mutation(({ ctx, input }) =>
    banAsAdmin(
      { db: ctx.services.db, logger: ctx.services.logger, limiter: ctx.services.limiter },
      adminActorOf(ctx),
      { ip: input.ip, minutes: input.duration_minutes },
    ),
  );
