import type { DbOrTx } from "../../../db/connection.ts";
import type { UserRow } from "../../../db/schema/index.ts";
import type { RequestInfo } from "../../trpc/context.ts";
import { hashToken } from "../../platform/tokens.ts";
import { createSession, invalidateSession, readCookie, SESSION_COOKIE, sessionCookie } from "../../auth/sessions.ts";
import type { TAuthUser } from "./password-auth.types.ts";

/** Who is signing in, from the request: what sessions and the audit log record. */
export interface ClientInfo {
  ip: string;
  userAgent: string | null;
  requestId: string;
  /** The session token the browser already holds, if any (replaced on sign-in). */
  previousSessionToken: string | null;
}

export function clientInfo(request: RequestInfo): ClientInfo {
  return {
    ip: request.ip,
    userAgent: request.headers.get("user-agent"),
    requestId: request.requestId,
    previousSessionToken: readCookie(request.headers, SESSION_COOKIE),
  };
}

export interface SessionSettings {
  ttlDays: number;
  /** Secure cookies (everywhere but development and tests). */
  secure: boolean;
}

/**
 * Signs a browser in: a new session row and its Set-Cookie value. A session cookie the browser
 * already carried is ended, so one browser holds one session.
 */
export async function startBrowserSession(
  db: DbOrTx,
  input: { userId: string; client: ClientInfo; session: SessionSettings },
): Promise<string> {
  if (input.client.previousSessionToken) {
    await invalidateSession(db, hashToken(input.client.previousSessionToken));
  }
  const { token, expiresAt } = await createSession(db, {
    userId: input.userId,
    ttlDays: input.session.ttlDays,
    ip: input.client.ip,
    userAgent: input.client.userAgent,
  });
  return sessionCookie(token, expiresAt, input.session.secure);
}

/** The user as the workspaces surface prints it. */
export function toAuthUser(user: UserRow): TAuthUser {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    display_name: user.displayName,
    role: user.role,
  };
}
