import { publicProcedure } from "../../../trpc/procedures.ts";
import { markNoStore } from "../../../auth/no-store.ts";
import { ZSignupInput, ZSignupResponse } from "./request-magic-link.types.ts";
import { linkBase } from "../link-base.ts";
import { requestMagicLink as sendSignInLink } from "../link-requests.ts";

export const requestMagicLink = publicProcedure
  .meta({
    access: "public",
    rest: {
      method: "POST",
      path: "/auth/signup",
      surface: "mobile",
      summary: "Request a magic link",
      description:
        "Creates a single-use sign-in token (15 minutes) and e-mails the link `/auth/verify?token=…`. " +
        "Without a mail provider (SMTP_URL unset; development and test only, production refuses to start " +
        "without one) the token is returned as `magic_token` instead, and only to a caller on the server's own " +
        "machine (loopback); anyone else gets `{ ok: true }` and the link goes to the log. " +
        "While REQUIRE_INVITES is on, a new account needs a valid unused `invite_code` (403 otherwise); " +
        "existing accounts and ADMIN_EMAILS sign in without one. Limited to 5 requests per hour per " +
        "e-mail and 30 sign-ups per hour per client IP, shared with POST /api/auth/register (429 with Retry-After).",
      errors: {
        403: "Invites are required and the invite code is missing, unknown, used or revoked.",
        429: "Too many sign-ups for this e-mail or from this IP; Retry-After says when to try again.",
      },
    },
  })
  .input(ZSignupInput)
  .output(ZSignupResponse)
  .mutation(async ({ ctx, input }) => {
    const { services, request } = ctx;
    markNoStore(ctx.responseHeaders);
    const { magicToken } = await sendSignInLink({
      db: services.db,
      mailer: services.mailer,
      limiter: services.limiter,
      logger: services.logger,
      email: input.email,
      inviteCode: input.invite_code,
      requireInvites: services.config.identity.requireInvites,
      adminEmails: services.config.identity.adminEmails,
      env: services.config.env,
      baseUrl: linkBase(services, request),
      meta: ctx.meta,
    });
    return magicToken ? { ok: true as const, magic_token: magicToken } : { ok: true as const };
  });
