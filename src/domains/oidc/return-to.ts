const PROBE_ORIGIN = "http://return-to.invalid";

/**
 * A post-sign-in destination that cannot leave the site: a relative path starting with one `/`,
 * no backslashes or control characters (browsers read `/\evil.com` as `//evil.com`). Anything
 * else becomes `/`.
 */
export function safeReturnTo(value: string | null | undefined): string {
  if (!value || value.length > 2048) return "/";
  if (!value.startsWith("/") || value.startsWith("//")) return "/";
  if (/[\\\u0000-\u001f\u007f]/.test(value)) return "/";
  let url: URL;
  try {
    url = new URL(value, PROBE_ORIGIN);
  } catch {
    return "/";
  }
  if (url.origin !== PROBE_ORIGIN) return "/";
  return `${url.pathname}${url.search}${url.hash}`;
}

/** The absolute callback URL registered with the provider: PUBLIC_URL when set, else this request's origin. */
export function callbackUrl(input: { publicUrl: string | undefined; requestUrl: string; provider: string }): string {
  const base = (input.publicUrl ?? new URL(input.requestUrl).origin).replace(/\/+$/, "");
  return `${base}/api/auth/oidc/${input.provider}/callback`;
}
