import { authedProcedure } from "../../../trpc/procedures.ts";
import { markNoStore } from "../../../auth/no-store.ts";
import { previousSessionToken } from "../../../auth/browser-session.ts";
import { changePassword as replacePassword } from "../change-password.ts";
import { ZAuthUser } from "../password-auth.types.ts";
import { sessionSettings } from "../session-settings.ts";
import { ZChangePasswordInput } from "./change-password.types.ts";

/** tRPC only: checks the current password, ends every session, signs this browser in again. */
export const changePassword = authedProcedure
  .meta({ access: "user" })
  .input(ZChangePasswordInput)
  .output(ZAuthUser)
  .mutation(async ({ ctx, input }) => {
    markNoStore(ctx.responseHeaders);
    const { user, cookie } = await replacePassword(ctx.services, {
      userId: ctx.auth.userId,
      current: input.current,
      next: input.next,
      meta: ctx.meta,
      previousSessionToken: previousSessionToken(ctx.request),
      session: sessionSettings(ctx),
    });
    ctx.responseHeaders.append("set-cookie", cookie);
    return user;
  });
