import type { DbOrTx } from "../../../db/connection.ts";
import { users } from "../../../db/schema/index.ts";
import { eq } from "drizzle-orm";
import { recordAudit } from "../audit/service.ts";
import { AppError, isAppError } from "../../platform/errors.ts";
import type { Logger } from "../../platform/logger.ts";
import type { RateLimiter } from "../../platform/rate-limit/index.ts";
import { invalidateUserSessions } from "../../auth/sessions.ts";
import { findUserById } from "../../auth/users.ts";
import { startBrowserSession, toAuthUser, type ClientInfo, type SessionSettings } from "./browser-session.ts";
import { hashPassword, verifyPassword } from "./passwords.ts";
import type { TAuthUser } from "./password-auth.types.ts";
import { admitLoginAttempt, clearLoginFailures, loginThrottleKeys, recordLoginFailure } from "./throttle.ts";

/**
 * Changes the password after checking the current one (throttled like a sign-in), ends every
 * session of the user — other browsers sign in again — and signs this browser in afresh.
 */
export async function changePassword(
  deps: { db: DbOrTx; logger: Logger; limiter: RateLimiter },
  input: { userId: string; current: string; next: string; client: ClientInfo; session: SessionSettings },
): Promise<{ user: TAuthUser; cookie: string }> {
  const user = await findUserById(deps.db, input.userId);
  if (!user) throw new AppError("UNAUTHENTICATED", "Authentication required");
  const audit = (outcome: "success" | "failure", reason?: string) =>
    recordAudit(deps, {
      action: "auth.password_change",
      outcome,
      actorId: user.id,
      subject: user.id,
      ip: input.client.ip,
      requestId: input.client.requestId,
      details: reason ? { reason } : undefined,
    });
  if (!user.passwordHash) {
    await audit("failure", "no_password");
    throw new AppError("BAD_REQUEST", "This account has no password to change");
  }
  const keys = loginThrottleKeys({ account: user.id, ip: input.client.ip });
  try {
    await admitLoginAttempt(deps.limiter, keys);
  } catch (error) {
    if (isAppError(error) && error.code === "RATE_LIMITED") await audit("failure", "throttled");
    throw error;
  }
  if (!(await verifyPassword(input.current, user.passwordHash))) {
    await recordLoginFailure(deps.limiter, keys);
    await audit("failure", "bad_password");
    throw new AppError("FORBIDDEN", "Current password is incorrect");
  }
  await clearLoginFailures(deps.limiter, keys);
  const passwordHash = await hashPassword(input.next);
  const now = new Date();
  const { updated, cookie } = await deps.db.transaction(async (tx) => {
    const [row] = await tx
      .update(users)
      .set({ passwordHash, passwordChangedAt: now, updatedAt: now })
      .where(eq(users.id, user.id))
      .returning();
    await invalidateUserSessions(tx, user.id);
    // The old cookie's session is gone already; nothing more to end.
    const client = { ...input.client, previousSessionToken: null };
    return { updated: row, cookie: await startBrowserSession(tx, { userId: user.id, client, session: input.session }) };
  });
  await audit("success");
  return { user: toAuthUser(updated ?? user), cookie };
}
