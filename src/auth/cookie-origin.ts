import { AppError } from "../platform/errors.ts";

const WRITE_METHODS: ReadonlySet<string> = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * A write the session cookie authenticates must come from the platform's own pages: its Origin
 * (or, without one, its Referer) is PUBLIC_URL's origin or names the host the request was sent
 * to. Without either header it is refused too: a browser sends Origin on every POST, and a
 * non-browser client has a bearer credential to use. SameSite=Lax alone leaves same-site
 * subdomains and old browsers able to forge one.
 */
export function assertCookieWriteOrigin(
  request: { method: string; headers: Headers },
  publicUrl: string | undefined,
): void {
  if (!WRITE_METHODS.has(request.method)) return;
  const source = request.headers.get("origin") ?? originOf(request.headers.get("referer"));
  if (source && source !== "null" && (sameOrigin(source, publicUrl) || sameHost(source, request.headers.get("host")))) return;
  throw new AppError(
    "FORBIDDEN",
    "Cross-origin request refused: a write signed in by the session cookie must come from this site (Origin header); other clients use a bearer credential",
  );
}

function originOf(url: string | null): string | null {
  if (!url) return null;
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

function sameOrigin(source: string, publicUrl: string | undefined): boolean {
  return publicUrl !== undefined && originOf(publicUrl) === originOf(source);
}

/** The Origin's host and port against the Host header, a missing port being the scheme's default. */
function sameHost(source: string, host: string | null): boolean {
  if (!host) return false;
  let origin: URL;
  let target: URL;
  try {
    origin = new URL(source);
    target = new URL(`${origin.protocol}//${host}`);
  } catch {
    return false;
  }
  return origin.hostname === target.hostname && origin.port === target.port;
}
