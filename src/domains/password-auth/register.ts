import type { DbOrTx } from "../../../db/connection.ts";
import { users } from "../../../db/schema/index.ts";
import { recordAudit } from "../audit/service.ts";
import { AppError } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";
import type { Logger } from "../../platform/logger.ts";
import { findUserByEmail, findUserByLogin, normalizeEmail } from "../identity/users.ts";
import { startBrowserSession, toAuthUser, type ClientInfo, type SessionSettings } from "./browser-session.ts";
import { hashPassword } from "./passwords.ts";
import type { TAuthUser } from "./password-auth.types.ts";

/**
 * Creates a password account and signs it in. A taken e-mail is a 409 even when that account has
 * no password (magic-link or OIDC accounts): registering must not take over an account without
 * proof of the address. The new e-mail is unverified and never grants the admin role.
 */
export async function registerWithPassword(
  deps: { db: DbOrTx; logger: Logger },
  input: { username: string; email: string; password: string; client: ClientInfo; session: SessionSettings },
): Promise<{ user: TAuthUser; cookie: string }> {
  const email = normalizeEmail(input.email);
  await assertAvailable(deps.db, { email, username: input.username });
  const passwordHash = await hashPassword(input.password);
  const now = new Date();
  const [row] = await deps.db
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
  // Lost a race with another registration of the same e-mail or username.
  if (!row) {
    await assertAvailable(deps.db, { email, username: input.username });
    throw new AppError("CONFLICT", "An account with this e-mail or username already exists");
  }
  const cookie = await startBrowserSession(deps.db, { userId: row.id, client: input.client, session: input.session });
  await recordAudit(deps, {
    action: "auth.register",
    outcome: "success",
    actorId: row.id,
    subject: row.id,
    ip: input.client.ip,
    requestId: input.client.requestId,
    details: { method: "password" },
  });
  return { user: toAuthUser(row), cookie };
}

async function assertAvailable(db: DbOrTx, input: { email: string; username: string }): Promise<void> {
  if (await findUserByEmail(db, input.email)) {
    throw new AppError("CONFLICT", "An account with this e-mail already exists");
  }
  if (await findUserByLogin(db, input.username)) {
    throw new AppError("CONFLICT", "Username is already taken");
  }
}
