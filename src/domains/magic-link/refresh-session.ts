import type { DbOrTx } from "../../../db/connection.ts";
import { AppError } from "../../platform/errors.ts";
import type { Logger } from "../../platform/logger.ts";
import { recordAudit } from "../audit/service.ts";
import { signAccessToken, type AccessTokenKeys } from "../../auth/access-tokens.ts";
import { findActiveRefreshToken, revokeRefreshToken } from "./refresh-tokens.ts";

interface RequestFields {
  db: DbOrTx;
  logger: Logger;
  refreshToken: string;
  ip: string;
  requestId: string;
}

/** A new access token for a live refresh token; the refresh token itself stays as it is. */
export async function refreshAccessToken(
  input: RequestFields & { keys: AccessTokenKeys; accessTokenTtlS: number },
): Promise<{ accessToken: string }> {
  const { db, logger } = input;
  const live = await findActiveRefreshToken(db, input.refreshToken);
  if (!live) {
    await recordAudit({ db, logger }, { action: "auth.refresh", outcome: "failure", ip: input.ip, requestId: input.requestId });
    throw new AppError("UNAUTHENTICATED", "Refresh token is invalid, expired or revoked");
  }
  const { token } = await signAccessToken(input.keys, { userId: live.userId, ttlSeconds: input.accessTokenTtlS });
  await recordAudit(
    { db, logger },
    { action: "auth.refresh", outcome: "success", actorId: live.userId, subject: live.id, ip: input.ip, requestId: input.requestId },
  );
  return { accessToken: token };
}

/**
 * Revokes the refresh token. Idempotent and silent about unknown tokens. Access tokens already
 * issued stay valid until they expire (ACCESS_TOKEN_TTL_S): they are not looked up per request.
 */
export async function logout(input: RequestFields): Promise<void> {
  const revoked = await revokeRefreshToken(input.db, input.refreshToken);
  if (!revoked) return;
  await recordAudit(
    { db: input.db, logger: input.logger },
    { action: "auth.logout", outcome: "success", actorId: revoked.userId, subject: revoked.id, ip: input.ip, requestId: input.requestId },
  );
}
