import type { DbOrTx } from "../../../db/connection.ts";
import { magicTokens } from "../../../db/schema/index.ts";
import type { Logger } from "../../platform/logger.ts";
import type { Mailer } from "../../platform/mail/index.ts";
import type { RateLimiter } from "../../platform/rate-limit/index.ts";
import { hashToken, randomToken } from "../../platform/tokens.ts";
import type { Config } from "../../config/index.ts";
import { audit } from "../../platform/audit.ts";
import type { RequestMeta } from "../../platform/request.ts";
import { findUserByEmail, normalizeEmail } from "../../auth/users.ts";
import { mayReturnSignInToken } from "./dev-token-return.ts";
import { checkSignUpInvite, inviteRefusedError } from "./invites.ts";
import { throttleSignup } from "./throttle.ts";

export const MAGIC_TOKEN_TTL_MS = 15 * 60_000;

export interface RequestMagicLinkInput {
  db: DbOrTx;
  mailer: Mailer;
  limiter: RateLimiter;
  logger: Logger;
  email: string;
  inviteCode: string | undefined;
  requireInvites: boolean;
  adminEmails: readonly string[];
  /** Decides, with the mailer and the caller's address, whether the token may be returned. */
  env: Config["env"];
  /** Where links point: PUBLIC_URL, else the URL this request reached. */
  baseUrl: string;
  meta: RequestMeta;
}

/**
 * Creates a single-use sign-in token and mails the link. The plaintext token is returned only
 * when mail goes to the log, outside production, to a loopback caller (dev-token-return.ts).
 */
export async function requestMagicLink(input: RequestMagicLinkInput): Promise<{ magicToken: string | undefined }> {
  const { db, mailer, logger } = input;
  const email = normalizeEmail(input.email);
  const auditRequest = (outcome: "success" | "failure", details: Record<string, string | boolean>) =>
    audit({ db, logger }, input.meta, "auth.magic_link.request", { outcome, subject: email, details });

  await throttleSignup(input.limiter, { email, ip: input.meta.ip });
  // Existing accounts sign in, and ADMIN_EMAILS addresses (proved by the link) bootstrap, without an invite.
  const exempt = input.requireInvites && (input.adminEmails.includes(email) || (await findUserByEmail(db, email)) !== null);
  const invite = await checkSignUpInvite(db, { requireInvites: input.requireInvites, inviteCode: input.inviteCode, exempt });
  if ("refused" in invite) {
    await auditRequest("failure", { reason: invite.refused });
    throw inviteRefusedError(invite.refused);
  }
  const inviteId = invite.inviteId;

  const token = randomToken(32);
  await db.insert(magicTokens).values({
    tokenHash: hashToken(token),
    email,
    inviteId,
    expiresAt: new Date(Date.now() + MAGIC_TOKEN_TTL_MS),
  });
  const link = `${input.baseUrl.replace(/\/$/, "")}/auth/verify?token=${encodeURIComponent(token)}`;
  try {
    await mailer.send({
      to: email,
      subject: "Your sign-in link",
      text: `Sign in to Agent Cloud:\n\n${link}\n\nThe link works once and expires in 15 minutes. If you did not ask for it, ignore this e-mail.`,
      html: `<p><a href="${link}">Sign in to Agent Cloud</a></p><p>The link works once and expires in 15 minutes. If you did not ask for it, ignore this e-mail.</p>`,
    });
  } catch (error) {
    await auditRequest("failure", { reason: "mail_failed" });
    throw error;
  }
  await auditRequest("success", { delivery: mailer.kind, invite: inviteId !== null });
  const returnable = mayReturnSignInToken({ env: input.env, mailerKind: mailer.kind, ip: input.meta.ip });
  return { magicToken: returnable ? token : undefined };
}
