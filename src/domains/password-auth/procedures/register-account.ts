import { publicProcedure } from "../../../trpc/procedures.ts";
import { markNoStore } from "../../../auth/no-store.ts";
import { previousSessionToken } from "../../../auth/browser-session.ts";
import { ZAuthUser } from "../password-auth.types.ts";
import { registerWithPassword } from "../register.ts";
import { sessionSettings } from "../session-settings.ts";
import { ZRegisterInput } from "./register-account.types.ts";

export const registerAccount = publicProcedure
  .meta({
    access: "public",
    rest: {
      method: "POST",
      path: "/api/auth/register",
      surface: "workspaces",
      status: 201,
      tags: ["auth"],
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
  });
