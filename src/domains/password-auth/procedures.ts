import { publicProcedure, authedProcedure } from "../../trpc/procedures.ts";
import type { Context } from "../../trpc/context.ts";
import { markNoStore } from "../../auth/no-store.ts";
import { clearedSessionCookie, readCookie, SESSION_COOKIE } from "../../auth/sessions.ts";
import { secureCookies } from "../../auth/resolve-principal.ts";
import { previousSessionToken, type SessionSettings } from "../../auth/browser-session.ts";
import { changePassword } from "./change-password.ts";
import { loginWithPassword } from "./login.ts";
import {
  ZAuthUser,
  ZChangePasswordInput,
  ZLoginInput,
  ZLogoutResponse,
  ZRegisterInput,
} from "./password-auth.types.ts";
import { registerWithPassword } from "./register.ts";
import { currentUser, logoutSession } from "./session.ts";

/** Workspaces password sign-in: /api/auth/register, login, logout, me; tRPC auth.changePassword. */
const tags = ["auth"];

function sessionSettings(ctx: Context): SessionSettings {
  return { ttlDays: ctx.services.config.identity.sessionTtlDays, secure: secureCookies(ctx.services) };
}

export const passwordAuthProcedures = {
  register: publicProcedure
    .meta({
      access: "public",
      rest: {
        method: "POST",
        path: "/api/auth/register",
        surface: "workspaces",
        status: 201,
        tags,
        summary: "Register a new account",
        description:
          "Creates an account with a username (3-32 of a-z 0-9 _ -, stored lower-cased), e-mail and password (10-256 characters), and signs it in with the session cookie. 409 when the e-mail or username is taken. " +
          "The e-mail stays unverified: when its owner signs in by magic link or a provider-verified e-mail, this password, its sessions and API keys end. " +
          "While REQUIRE_INVITES is on, `invite_code` must be a valid unused invite (403 otherwise). " +
          "Limited to 30 sign-ups per hour per client IP, shared with POST /auth/signup (429 with Retry-After).",
        errors: {
          403: "Invites are required and the invite code is missing, unknown, used or revoked.",
          409: "The e-mail or username is already taken.",
          429: "Too many sign-ups from this IP; Retry-After says when to try again.",
        },
      },
    })
    .input(ZRegisterInput)
    .output(ZAuthUser)
    .mutation(async ({ ctx, input }) => {
      markNoStore(ctx.responseHeaders);
      const { user, cookie } = await registerWithPassword(ctx.services, {
        username: input.username,
        email: input.email,
        password: input.password,
        inviteCode: input.invite_code,
        requireInvites: ctx.services.config.identity.requireInvites,
        meta: ctx.meta,
        previousSessionToken: previousSessionToken(ctx.request),
        session: sessionSettings(ctx),
      });
      ctx.responseHeaders.append("set-cookie", cookie);
      return user;
    }),

  login: publicProcedure
    .meta({
      access: "public",
      rest: {
        method: "POST",
        path: "/api/auth/login",
        surface: "workspaces",
        tags,
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
    }),

  logout: publicProcedure
    .meta({
      access: "public",
      rest: {
        method: "POST",
        path: "/api/auth/logout",
        surface: "workspaces",
        tags,
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
    }),

  me: authedProcedure
    .meta({
      access: "user",
      rest: {
        method: "GET",
        path: "/api/auth/me",
        surface: "workspaces",
        tags,
        auth: ["cookie"],
        summary: "Get current user info",
      },
    })
    .output(ZAuthUser)
    .query(({ ctx }) => currentUser(ctx.services.db, ctx.auth.userId)),

  /** tRPC only: checks the current password, ends every session, signs this browser in again. */
  changePassword: authedProcedure
    .meta({ access: "user" })
    .input(ZChangePasswordInput)
    .output(ZAuthUser)
    .mutation(async ({ ctx, input }) => {
      markNoStore(ctx.responseHeaders);
      const { user, cookie } = await changePassword(ctx.services, {
        userId: ctx.auth.userId,
        current: input.current,
        next: input.next,
        meta: ctx.meta,
        previousSessionToken: previousSessionToken(ctx.request),
        session: sessionSettings(ctx),
      });
      ctx.responseHeaders.append("set-cookie", cookie);
      return user;
    }),
};
