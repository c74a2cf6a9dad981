import type { DbOrTx } from "../../../db/connection.ts";
import { audit } from "../../platform/audit.ts";
import type { RequestMeta } from "../../platform/request.ts";
import { AppError, isAppError } from "../../platform/errors.ts";
import type { Logger } from "../../platform/logger.ts";
import type { RateLimiter } from "../../platform/rate-limit/index.ts";
import { passwordStillCurrent } from "../../auth/credential-issuance.ts";
import { findUserByLogin } from "../../auth/users.ts";
import { startBrowserSession, type SessionSettings } from "../../auth/browser-session.ts";
import { toAuthUser } from "./auth-user.ts";
import { verifyPassword } from "./passwords.ts";
import type { TAuthUser } from "./password-auth.types.ts";
import { admitLoginAttempt, clearLoginFailures, loginThrottleKeys, recordLoginFailure } from "./throttle.ts";

export const INVALID_CREDENTIALS = "Invalid username or password";

/**
 * Username-or-e-mail and password → a session cookie. Unknown users, accounts without a password
 * and wrong passwords get the same 401 after the same amount of hashing work; attempts are
 * throttled per account and per IP; every outcome is audited as `auth.login` (never the password
 * or the login string typed, which is sometimes a password in the wrong field).
 */
export async function loginWithPassword(
  deps: { db: DbOrTx; logger: Logger; limiter: RateLimiter },
  input: { login: string; password: string; meta: RequestMeta; previousSessionToken: string | null; session: SessionSettings },
): Promise<{ user: TAuthUser; cookie: string }> {
  const user = await findUserByLogin(deps.db, input.login);
  const keys = loginThrottleKeys({ account: user?.id ?? `login:${input.login.trim().toLowerCase()}`, ip: input.meta.ip });
  const auditLogin = (outcome: "success" | "failure", reason?: string) =>
    audit(deps, input.meta, "auth.login", {
      outcome,
      actorId: outcome === "success" ? (user?.id ?? null) : null,
      subject: user?.id ?? null,
      details: { method: "password", ...(reason ? { reason } : {}) },
    });

  try {
    await admitLoginAttempt(deps.limiter, keys);
  } catch (error) {
    if (isAppError(error) && error.code === "RATE_LIMITED") await auditLogin("failure", "throttled");
    throw error;
  }
  const ok = await verifyPassword(input.password, user?.passwordHash);
  if (!ok || !user?.passwordHash) {
    await recordLoginFailure(deps.limiter, keys);
    await auditLogin("failure", !user ? "unknown_user" : user.passwordHash ? "bad_password" : "no_password");
    throw new AppError("UNAUTHENTICATED", INVALID_CREDENTIALS);
  }
  await clearLoginFailures(deps.limiter, keys);
  const passwordHash = user.passwordHash;
  // The password may have been changed or cleared (the owner proved the e-mail) while it was checked.
  const cookie = await deps.db.transaction(async (tx) =>
    (await passwordStillCurrent(tx, { userId: user.id, passwordHash }))
      ? startBrowserSession(tx, { userId: user.id, meta: input.meta, previousSessionToken: input.previousSessionToken, session: input.session })
      : null,
  );
  if (!cookie) {
    await auditLogin("failure", "password_changed");
    throw new AppError("UNAUTHENTICATED", INVALID_CREDENTIALS);
  }
  await auditLogin("success");
  return { user: toAuthUser(user), cookie };
}
