import type { Db } from "../../db/connection.ts";
import type { Config } from "../config/index.ts";
import type { InvalidatingCache } from "../platform/invalidating-cache.ts";
import type { Principal } from "./principal.ts";
import type { RequestInfo } from "../platform/request.ts";
import { looksLikeJwt, verifyAccessToken } from "./access-tokens.ts";
import { authenticateApiKey, type CachedPrincipal, isApiKeyShaped } from "./api-keys.ts";
import { assertCookieWriteOrigin } from "./cookie-origin.ts";
import { readCookie, SESSION_COOKIE, sessionCookie, validateSessionToken } from "./sessions.ts";
import { findUserById, principalOf } from "./users.ts";

/** The pieces of the running platform that resolving a principal reads (the services bag has them). */
export interface PrincipalDeps {
  config: Config;
  signingSecret: string;
  db: Db;
  principalCache: InvalidatingCache<CachedPrincipal>;
}

export function accessTokenKeys(services: Pick<PrincipalDeps, "config" | "signingSecret">) {
  return {
    current: services.config.identity.jwtKeyId,
    accepted: services.config.identity.jwtPreviousKeyIds,
    secret: services.signingSecret,
  };
}

export function bearerToken(headers: Headers): string | null {
  const header = headers.get("authorization");
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? (match[1] as string) : null;
}

export function secureCookies(services: Pick<PrincipalDeps, "config">): boolean {
  return services.config.env === "production";
}

/**
 * The principal behind a request: a bearer API key or JWT access token, else the session cookie.
 * A bearer credential that fails is not rescued by a cookie; a cookie write from another origin
 * is a 403. Other bearer forms (wallet signatures on the compute surface) are that surface's
 * business and resolve to null here.
 */
export async function resolvePrincipal(
  services: PrincipalDeps,
  request: RequestInfo,
  responseHeaders: Headers,
): Promise<Principal | null> {
  const bearer = bearerToken(request.headers);
  if (bearer) {
    if (isApiKeyShaped(bearer)) {
      return (await authenticateApiKey(services.db, services.principalCache, bearer))?.principal ?? null;
    }
    if (looksLikeJwt(bearer)) {
      const verified = await verifyAccessToken(accessTokenKeys(services), bearer);
      if (!verified) return null;
      const user = await findUserById(services.db, verified.userId);
      return user ? principalOf(user, "jwt", verified.tokenId) : null;
    }
    return null;
  }
  const token = readCookie(request.headers, SESSION_COOKIE);
  if (!token) return null;
  assertCookieWriteOrigin(request, services.config.publicUrl);
  const session = await validateSessionToken(services.db, token, services.config.identity.sessionTtlDays);
  if (!session) return null;
  if (session.renewed) {
    responseHeaders.append("set-cookie", sessionCookie(token, session.expiresAt, secureCookies(services)));
  }
  return session.principal;
}
