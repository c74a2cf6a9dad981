import { adminProcedure } from "../../../trpc/procedures.ts";
import { audit } from "../../../platform/audit.ts";
import { markNoStore } from "../../../auth/no-store.ts";
import { createInvite as issueInvite } from "../invites.ts";
import { ZCreateInviteInput, ZCreateInviteResponse } from "./create-invite.types.ts";

export const createInvite = adminProcedure
  .meta({ access: "admin" })
  .input(ZCreateInviteInput)
  .output(ZCreateInviteResponse)
  .mutation(async ({ ctx, input }) => {
    const { db, logger } = ctx.services;
    markNoStore(ctx.responseHeaders);
    const { code, invite } = await issueInvite(db, {
      createdBy: ctx.auth.userId,
      note: input.note ?? null,
      expiresInDays: input.expires_in_days ?? null,
    });
    await audit({ db, logger }, ctx.actor, "invite.create", { outcome: "success", subject: invite.id });
    return { ...invite, code };
  });
