import type { DbOrTx } from "../../../db/connection.ts";
import { users } from "../../../db/schema/index.ts";
import { audit } from "../../platform/audit.ts";
import type { RequestMeta } from "../../platform/request.ts";
import { AppError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import type { Logger } from "../../platform/logger.ts";
import type { RateLimiter } from "../../platform/rate-limit/index.ts";
import { findUserByEmail, findUserByLogin, normalizeEmail } from "../../auth/users.ts";
import { checkSignUpInvite, consumeInvite, inviteRefusedError, throttleSignupAddress } from "../magic-link/index.ts";
import { startBrowserSession, type SessionSettings } from "../../auth/browser-session.ts";
import { toAuthUser } from "./auth-user.ts";
import { hashPassword } from "./passwords.ts";
import type { TAuthUser } from "./password-auth.types.ts";

/**
 * Creates a password account and signs it in. A taken e-mail is a 409 even when that account has
 * no password (magic-link or OIDC accounts): registering must not take over an account without
 * proof of the address. The new e-mail is unverified and never grants the admin role; its claim
 * ends when the address's owner proves it (identity/proven-email.ts). Registrations spend the
 * client address's sign-up budget (before any hashing) and, while REQUIRE_INVITES is on, an invite
 * — the same rules as magic-link sign-up, with no exemption: nothing here proves the address.
 */
export async function registerWithPassword(
  deps: { db: DbOrTx; logger: Logger; limiter: RateLimiter },
  input: {
    username: string;
    email: string;
    password: string;
    inviteCode: string | undefined;
    requireInvites: boolean;
    meta: RequestMeta; previousSessionToken: string | null;
    session: SessionSettings;
  },
): Promise<{ user: TAuthUser; cookie: string }> {
  const auditRegister = (outcome: "success" | "failure", fields: { userId?: string; details?: Record<string, string | boolean> }) =>
    audit(deps, input.meta, "auth.register", {
      outcome,
      actorId: fields.userId ?? null,
      subject: fields.userId ?? null,
      details: { method: "password", ...fields.details },
    });
  await throttleSignupAddress(deps.limiter, input.meta.ip);
  const invite = await checkSignUpInvite(deps.db, { requireInvites: input.requireInvites, inviteCode: input.inviteCode, exempt: false });
  if ("refused" in invite) {
    await auditRegister("failure", { details: { reason: invite.refused } });
    throw inviteRefusedError(invite.refused);
  }
  const email = normalizeEmail(input.email);
  await assertAvailable(deps.db, { email, username: input.username });
  const passwordHash = await hashPassword(input.password);
  const now = new Date();
  const created = await deps.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(users)
      .values({
        id: newId("usr"),
        email,
        emailVerified: false,
        username: input.username,
        displayName: input.username,
        passwordHash,
        passwordChangedAt: now,
        role: "user",
      })
      .onConflictDoNothing()
      .returning();
    if (!row) return null;
    // Spent by someone else since it was checked: the account is not created.
    if (invite.inviteId && !(await consumeInvite(tx, { inviteId: invite.inviteId, userId: row.id }))) {
      throw inviteRefusedError("invite_invalid");
    }
    const cookie = await startBrowserSession(tx, { userId: row.id, meta: input.meta, previousSessionToken: input.previousSessionToken, session: input.session });
    return { row, cookie };
  });
  // Lost a race with another registration of the same e-mail or username.
  if (!created) {
    await assertAvailable(deps.db, { email, username: input.username });
    throw new AppError("CONFLICT", "An account with this e-mail or username already exists");
  }
  await auditRegister("success", { userId: created.row.id, details: invite.inviteId ? { invite: true } : {} });
  return { user: toAuthUser(created.row), cookie: created.cookie };
}

async function assertAvailable(db: DbOrTx, input: { email: string; username: string }): Promise<void> {
  if (await findUserByEmail(db, input.email)) {
    throw new AppError("CONFLICT", "An account with this e-mail already exists");
  }
  if (await findUserByLogin(db, input.username)) {
    throw new AppError("CONFLICT", "Username is already taken");
  }
}
