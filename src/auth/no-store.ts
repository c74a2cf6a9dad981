/**
 * A response that carries a credential (access or refresh token, API key, sign-in token, session
 * cookie, invite code) must not be kept by any cache. Set through the procedure's response headers,
 * so REST and tRPC answers both carry it, errors included.
 */
export function markNoStore(responseHeaders: Headers): void {
  responseHeaders.set("cache-control", "no-store");
}
