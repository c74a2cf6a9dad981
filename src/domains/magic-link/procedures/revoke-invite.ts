import { adminProcedure } from "../../../trpc/procedures.ts";
import { audit } from "../../../platform/audit.ts";
import { revokeInvite as markInviteRevoked } from "../invites.ts";
import { ZInviteSummary } from "../magic-link.types.ts";
import { ZRevokeInviteInput } from "./revoke-invite.types.ts";

export const revokeInvite = adminProcedure
  .meta({ access: "admin" })
  .input(ZRevokeInviteInput)
  .output(ZInviteSummary)
  .mutation(async ({ ctx, input }) => {
    const { db, logger } = ctx.services;
    const invite = await markInviteRevoked(db, input.id);
    await audit({ db, logger }, ctx.actor, "invite.revoke", { outcome: "success", subject: invite.id });
    return invite;
  });
