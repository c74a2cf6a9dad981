import { and, eq } from "drizzle-orm";
import type { DbOrTx } from "../../../db/connection.ts";
import { oauthAccounts, type UserRow } from "../../../db/schema/index.ts";
import { AppError } from "../../platform/errors.ts";
import { signInProvenEmail } from "../../auth/proven-email.ts";
import { findUserById } from "../../auth/users.ts";
import type { ExternalIdentity } from "./oidc.types.ts";

export interface LinkResult {
  user: UserRow;
  /** A new account was made for this identity. */
  created: boolean;
  /** The identity was attached to a user just now (first sign-in with this provider account). */
  linked: boolean;
  /**
   * The e-mail's account had been registered without proof of the address: its password, sessions,
   * refresh tokens and API keys were dropped, since whoever chose them never proved the address.
   * The caller drops cached principals (`user:<id>`) after this returns.
   */
  unverifiedClaimCleared: boolean;
}

/**
 * An external identity → the platform user. Only a provider-verified e-mail links or creates:
 * without one, nothing is written and the sign-in is refused. An identity already linked signs in
 * to its user; otherwise the user with that e-mail is found (or created) and the identity attached.
 */
export async function linkExternalIdentity(
  db: DbOrTx,
  input: { identity: ExternalIdentity; adminEmails: readonly string[] },
): Promise<LinkResult> {
  const { identity } = input;
  if (!identity.email || !identity.emailVerified) {
    throw new AppError("FORBIDDEN", "Your e-mail address is not verified by the sign-in provider");
  }
  const email = identity.email;
  return db.transaction(async (tx) => {
    const [existing] = await tx
      .select()
      .from(oauthAccounts)
      .where(and(eq(oauthAccounts.provider, identity.provider), eq(oauthAccounts.providerUserId, identity.subject)))
      .limit(1);
    if (existing) {
      const user = await findUserById(tx, existing.userId);
      if (!user) throw new AppError("UNAUTHENTICATED", "The linked account no longer exists");
      if (existing.email !== email) {
        await tx
          .update(oauthAccounts)
          .set({ email })
          .where(and(eq(oauthAccounts.provider, identity.provider), eq(oauthAccounts.providerUserId, identity.subject)));
      }
      return { user, created: false, linked: false, unverifiedClaimCleared: false };
    }
    const { user, created, unverifiedClaimCleared } = await signInProvenEmail(tx, {
      email,
      adminEmails: input.adminEmails,
      displayName: identity.displayName,
    });
    await tx
      .insert(oauthAccounts)
      .values({ provider: identity.provider, providerUserId: identity.subject, userId: user.id, email })
      .onConflictDoNothing();
    return { user, created, linked: true, unverifiedClaimCleared };
  });
}
