import { markNoStore } from "../../../auth/no-store.ts";
import { accessTokenKeys } from "../../../auth/resolve-principal.ts";
import { publicProcedure } from "../../../trpc/procedures.ts";
import { ZRefreshInput } from "../magic-link.types.ts";
import { ZRefreshResponse } from "./refresh-access-token.types.ts";
import { refreshAccessToken as renewAccessToken } from "../refresh-session.ts";

export const refreshAccessToken = publicProcedure
  .meta({
    access: "public",
    rest: {
      method: "POST",
      path: "/auth/refresh",
      surface: "mobile",
      summary: "Exchange a refresh token for a new access token",
      description: "The refresh token is not rotated. Unknown, expired or revoked refresh tokens are 401.",
    },
  })
  .input(ZRefreshInput)
  .output(ZRefreshResponse)
  .mutation(async ({ ctx, input }) => {
    const { services } = ctx;
    markNoStore(ctx.responseHeaders);
    const { accessToken } = await renewAccessToken({
      db: services.db,
      logger: services.logger,
      keys: accessTokenKeys(services),
      accessTokenTtlS: services.config.identity.accessTokenTtlS,
      refreshToken: input.refresh_token,
      meta: ctx.meta,
    });
    return { access_token: accessToken };
  });
