import { adminProcedure } from "../../trpc/procedures.ts";
import { audit } from "../../platform/audit.ts";
import { markNoStore } from "../../auth/no-store.ts";
import {
  ZCreateInviteInput,
  ZCreateInviteResponse,
  ZInviteSummary,
  ZListInvitesInput,
  ZListInvitesResponse,
  ZRevokeInviteInput,
} from "./invite.types.ts";
import { createInvite, listInvites, revokeInvite } from "./invites.ts";

/** Admin invite management (tRPC only), merged into `admin.*`. */
export const inviteAdminProcedures = {
  createInvite: adminProcedure
    .meta({ access: "admin" })
    .input(ZCreateInviteInput)
    .output(ZCreateInviteResponse)
    .mutation(async ({ ctx, input }) => {
      const { db, logger } = ctx.services;
      markNoStore(ctx.responseHeaders);
      const { code, invite } = await createInvite(db, {
        createdBy: ctx.auth.userId,
        note: input.note ?? null,
        expiresInDays: input.expires_in_days ?? null,
      });
      await audit({ db, logger }, ctx.actor, "invite.create", { outcome: "success", subject: invite.id });
      return { ...invite, code };
    }),

  listInvites: adminProcedure
    .meta({ access: "admin" })
    .input(ZListInvitesInput)
    .output(ZListInvitesResponse)
    .query(async ({ ctx, input }) => {
      const page = await listInvites(ctx.services.db, { limit: input.limit, cursor: input.cursor });
      return { invites: page.invites, next_cursor: page.nextCursor };
    }),

  revokeInvite: adminProcedure
    .meta({ access: "admin" })
    .input(ZRevokeInviteInput)
    .output(ZInviteSummary)
    .mutation(async ({ ctx, input }) => {
      const { db, logger } = ctx.services;
      const invite = await revokeInvite(db, input.id);
      await audit({ db, logger }, ctx.actor, "invite.revoke", { outcome: "success", subject: invite.id });
      return invite;
    }),
};
