import type { DbOrTx } from "../../../db/connection.ts";
import { AppError } from "../../platform/errors.ts";
import { hashToken } from "../../platform/tokens.ts";
import { invalidateSession } from "../../auth/sessions.ts";
import { findUserById } from "../../auth/users.ts";
import { toAuthUser } from "./auth-user.ts";
import type { TAuthUser } from "./password-auth.types.ts";

/** Ends the browser's session, if it has one; signing out twice is not an error. */
export async function logoutSession(db: DbOrTx, sessionToken: string | null): Promise<void> {
  if (sessionToken) await invalidateSession(db, hashToken(sessionToken));
}

export async function currentUser(db: DbOrTx, userId: string): Promise<TAuthUser> {
  const user = await findUserById(db, userId);
  if (!user) throw new AppError("UNAUTHENTICATED", "Authentication required");
  return toAuthUser(user);
}
