import { publicProcedure } from "../../../trpc/procedures.ts";
import { markNoStore } from "../../../auth/no-store.ts";
import { previousSessionToken } from "../../../auth/browser-session.ts";
import { loginWithPassword } from "../login.ts";
import { ZAuthUser } from "../password-auth.types.ts";
import { sessionSettings } from "../session-settings.ts";
import { ZLoginInput } from "./log-in-with-password.types.ts";

export const logInWithPassword = publicProcedure
  .meta({
    access: "public",
    rest: {
      method: "POST",
      path: "/api/auth/login",
      surface: "workspaces",
      tags: ["auth"],
      summary: "Login with username/password",
      description:
        "`username` takes a username or an e-mail address (`email` works too). Sets the session cookie (HttpOnly, SameSite=Lax). Wrong credentials: 401. Throttled per account (5 attempts / 15 min) and per IP (30 failures / 15 min): 429 with Retry-After.",
      errors: { 429: "Too many attempts for this account or from this IP; Retry-After says when to try again." },
    },
  })
  .input(ZLoginInput)
  .output(ZAuthUser)
  .mutation(async ({ ctx, input }) => {
    markNoStore(ctx.responseHeaders);
    const { user, cookie } = await loginWithPassword(ctx.services, {
      login: input.username ?? input.email ?? "",
      password: input.password,
      meta: ctx.meta,
      previousSessionToken: previousSessionToken(ctx.request),
      session: sessionSettings(ctx),
    });
    ctx.responseHeaders.append("set-cookie", cookie);
    return user;
  });
