import { adminProcedure } from "../../../trpc/procedures.ts";
import { listInvites as listInvitePage } from "../invites.ts";
import { ZListInvitesInput, ZListInvitesResponse } from "./list-invites.types.ts";

export const listInvites = adminProcedure
  .meta({ access: "admin" })
  .input(ZListInvitesInput)
  .output(ZListInvitesResponse)
  .query(async ({ ctx, input }) => {
    const page = await listInvitePage(ctx.services.db, { limit: input.limit, cursor: input.cursor });
    return { invites: page.invites, next_cursor: page.nextCursor };
  });
