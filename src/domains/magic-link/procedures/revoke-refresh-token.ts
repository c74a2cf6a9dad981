import { publicProcedure } from "../../../trpc/procedures.ts";
import { ZRefreshInput } from "../magic-link.types.ts";
import { ZLogoutResponse } from "./revoke-refresh-token.types.ts";
import { logout as revokeSession } from "../refresh-session.ts";

export const revokeRefreshToken = publicProcedure
  .meta({
    access: "public",
    rest: {
      method: "POST",
      path: "/auth/logout",
      surface: "mobile",
      summary: "Revoke a refresh token",
      description:
        "An addition to the mobile document. Revokes the refresh token; always `{ ok: true }`, also for " +
        "unknown or already revoked tokens. Access tokens already issued stay valid until they expire.",
    },
  })
  .input(ZRefreshInput)
  .output(ZLogoutResponse)
  .mutation(async ({ ctx, input }) => {
    const { services } = ctx;
    await revokeSession({
      db: services.db,
      logger: services.logger,
      refreshToken: input.refresh_token,
      meta: ctx.meta,
    });
    return { ok: true as const };
  });
