import type { DbOrTx } from "../../db/connection.ts";
import type { RequestInfo, RequestMeta } from "../platform/request.ts";
import { hashToken } from "../platform/tokens.ts";
import { createSession, invalidateSession, readCookie, SESSION_COOKIE, sessionCookie } from "./sessions.ts";

/** The session token the browser already holds, if any (replaced on sign-in). */
export function previousSessionToken(request: RequestInfo): string | null {
  return readCookie(request.headers, SESSION_COOKIE);
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
  input: { userId: string; meta: RequestMeta; previousSessionToken: string | null; session: SessionSettings },
): Promise<string> {
  if (input.previousSessionToken) {
    await invalidateSession(db, hashToken(input.previousSessionToken));
  }
  const { token, expiresAt } = await createSession(db, {
    userId: input.userId,
    ttlDays: input.session.ttlDays,
    ip: input.meta.ip,
    userAgent: input.meta.userAgent,
  });
  return sessionCookie(token, expiresAt, input.session.secure);
}
