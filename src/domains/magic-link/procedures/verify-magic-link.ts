import { markNoStore } from "../../../auth/no-store.ts";
import { accessTokenKeys } from "../../../auth/resolve-principal.ts";
import { publicProcedure } from "../../../trpc/procedures.ts";
import { ZTokenPair, ZVerifyInput } from "./verify-magic-link.types.ts";
import { verifyMagicLink as redeemSignInLink } from "../link-redemption.ts";

// A mutation although REST serves it as GET (as documented): it spends the token, so tRPC
// clients must not batch, cache or retry it as a query.
export const verifyMagicLink = publicProcedure
  .meta({
    access: "public",
    rest: {
      method: "GET",
      path: "/auth/verify",
      surface: "mobile",
      summary: "Exchange a magic-link token for credentials",
      description:
        "Spends the token (single use) and returns a JWT access token and an opaque refresh token. " +
        "The account is created on first sign-in. The link proves the address: an account registered on it " +
        "with a password but never verified loses that password, its cookie sessions and its API keys. " +
        "An unknown, expired or already used token is 401.",
    },
  })
  .input(ZVerifyInput)
  .output(ZTokenPair)
  .mutation(async ({ ctx, input }) => {
    const { services } = ctx;
    markNoStore(ctx.responseHeaders);
    const identity = services.config.identity;
    const result = await redeemSignInLink({
      db: services.db,
      logger: services.logger,
      principalCache: services.principalCache,
      keys: accessTokenKeys(services),
      token: input.token,
      adminEmails: identity.adminEmails,
      requireInvites: identity.requireInvites,
      accessTokenTtlS: identity.accessTokenTtlS,
      refreshTokenTtlDays: identity.refreshTokenTtlDays,
      meta: ctx.meta,
    });
    return { access_token: result.accessToken, refresh_token: result.refreshToken };
  });
