import type { DbOrTx } from "../../../db/connection.ts";
import { AppError } from "../../platform/errors.ts";
import type { Logger } from "../../platform/logger.ts";
import { audit } from "../../platform/audit.ts";
import type { RequestMeta } from "../../platform/request.ts";
import { signAccessToken, type AccessTokenKeys } from "../../auth/access-tokens.ts";
import { findActiveRefreshToken, revokeRefreshToken } from "./refresh-tokens.ts";

interface RefreshTokenRequest {
  db: DbOrTx;
  logger: Logger;
  refreshToken: string;
  meta: RequestMeta;
}

/** A new access token for a live refresh token; the refresh token itself stays as it is. */
export async function refreshAccessToken(
  input: RefreshTokenRequest & { keys: AccessTokenKeys; accessTokenTtlS: number },
): Promise<{ accessToken: string }> {
  const { db, logger } = input;
  const live = await findActiveRefreshToken(db, input.refreshToken);
  if (!live) {
    await audit({ db, logger }, input.meta, "auth.refresh", { outcome: "failure" });
    throw new AppError("UNAUTHENTICATED", "Refresh token is invalid, expired or revoked");
  }
  const { token } = await signAccessToken(input.keys, { userId: live.userId, ttlSeconds: input.accessTokenTtlS });
  await audit({ db, logger }, input.meta, "auth.refresh", { outcome: "success", actorId: live.userId, subject: live.id });
  return { accessToken: token };
}

/**
 * Revokes the refresh token. Idempotent and silent about unknown tokens. Access tokens already
 * issued stay valid until they expire (ACCESS_TOKEN_TTL_S): they are not looked up per request.
 */
export async function logout(input: RefreshTokenRequest): Promise<void> {
  const revoked = await revokeRefreshToken(input.db, input.refreshToken);
  if (!revoked) return;
  await audit(input, input.meta, "auth.logout", { outcome: "success", actorId: revoked.userId, subject: revoked.id });
}
