import type { DbOrTx } from "../../../db/connection.ts";
import { users } from "../../../db/schema/index.ts";
import { eq } from "drizzle-orm";
import { audit } from "../../platform/audit.ts";
import type { RequestMeta } from "../../platform/request.ts";
import { AppError, isAppError } from "../../platform/errors.ts";
import type { Logger } from "../../platform/logger.ts";
import type { RateLimiter } from "../../platform/rate-limit/index.ts";
import { invalidateUserSessions } from "../../auth/sessions.ts";
import { findUserById } from "../../auth/users.ts";
import { startBrowserSession, type SessionSettings } from "../../auth/browser-session.ts";
import { toAuthUser } from "./auth-user.ts";
import { hashPassword, verifyPassword } from "./passwords.ts";
import type { TAuthUser } from "./password-auth.types.ts";
import { admitLoginAttempt, clearLoginFailures, loginThrottleKeys, recordLoginFailure } from "./throttle.ts";

/**
 * Changes the password after checking the current one (throttled like a sign-in), ends every
 * session of the user — other browsers sign in again — and signs this browser in afresh.
 */
export async function changePassword(
  deps: { db: DbOrTx; logger: Logger; limiter: RateLimiter },
  input: { userId: string; current: string; next: string; meta: RequestMeta; previousSessionToken: string | null; session: SessionSettings },
): Promise<{ user: TAuthUser; cookie: string }> {
  const user = await findUserById(deps.db, input.userId);
  if (!user) throw new AppError("UNAUTHENTICATED", "Authentication required");
  const auditPasswordChange = (outcome: "success" | "failure", reason?: string) =>
    audit(deps, input.meta, "auth.password_change", {
      outcome,
      actorId: user.id,
      subject: user.id,
      details: reason ? { reason } : undefined,
    });
  if (!user.passwordHash) {
    await auditPasswordChange("failure", "no_password");
    throw new AppError("BAD_REQUEST", "This account has no password to change");
  }
  const keys = loginThrottleKeys({ account: user.id, ip: input.meta.ip });
  try {
    await admitLoginAttempt(deps.limiter, keys);
  } catch (error) {
    if (isAppError(error) && error.code === "RATE_LIMITED") await auditPasswordChange("failure", "throttled");
    throw error;
  }
  if (!(await verifyPassword(input.current, user.passwordHash))) {
    await recordLoginFailure(deps.limiter, keys);
    await auditPasswordChange("failure", "bad_password");
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
    // Every session of the user has just ended, the browser's own included.
    const cookie = await startBrowserSession(tx, { userId: user.id, meta: input.meta, previousSessionToken: null, session: input.session });
    return { updated: row, cookie };
  });
  await auditPasswordChange("success");
  return { user: toAuthUser(updated ?? user), cookie };
}
