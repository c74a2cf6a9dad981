import { publicProcedure } from "../../../trpc/procedures.ts";
import { clearedSessionCookie, readCookie, SESSION_COOKIE } from "../../../auth/sessions.ts";
import { secureCookies } from "../../../auth/resolve-principal.ts";
import { logoutSession } from "../session.ts";
import { ZLogoutResponse } from "./log-out.types.ts";

export const logOut = publicProcedure
  .meta({
    access: "public",
    rest: {
      method: "POST",
      path: "/api/auth/logout",
      surface: "workspaces",
      tags: ["auth"],
      auth: ["cookie"],
      summary: "Logout and clear session",
      description: "Ends the session and clears the cookie; without a session it only clears the cookie.",
    },
  })
  .output(ZLogoutResponse)
  .mutation(async ({ ctx }) => {
    await logoutSession(ctx.services.db, readCookie(ctx.request.headers, SESSION_COOKIE));
    ctx.responseHeaders.append("set-cookie", clearedSessionCookie(secureCookies(ctx.services)));
    return { ok: true as const };
  });
