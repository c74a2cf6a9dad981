import { adminProcedure } from "../../../trpc/procedures.ts";
import { ZSetRoleInput, ZSetRoleResponse } from "../admin.types.ts";
import { adminActorOf } from "../compute-policy.ts";
import { setUserRole } from "../service.ts";

export const setRole = adminProcedure
  .meta({ access: "admin" })
  .input(ZSetRoleInput)
  .output(ZSetRoleResponse)
  .mutation(({ ctx, input }) =>
    setUserRole(
      { db: ctx.services.db, logger: ctx.services.logger, cache: ctx.services.principalCache },
      adminActorOf(ctx),
      { userId: input.user_id, role: input.role },
    ),
  );
