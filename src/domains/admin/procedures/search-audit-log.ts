import { adminProcedure } from "../../../trpc/procedures.ts";
import { ZAuditPage, ZAuditQuery } from "../admin.types.ts";
import { searchAudit } from "../service.ts";

export const searchAuditLog = adminProcedure
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
  );
