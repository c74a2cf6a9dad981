import type { Context } from "../../trpc/context.ts";
import { markNoStore } from "../../auth/no-store.ts";
import type { TOAuthProvider, TRedirectResponse } from "./oidc.types.ts";
import { callbackUrl } from "./return-to.ts";
import { isProviderConfigured, notConfigured } from "./providers.ts";

/** What both OAuth procedures read from the request and write to the response. */
export const providerDoc =
  "`github` (GitHub OAuth, GITHUB_CLIENT_ID/SECRET) or `generic` (OpenID Connect by discovery, OIDC_ISSUER/OIDC_CLIENT_ID). 404 when not configured on this server.";

export function redirectTo(ctx: Context, location: string): TRedirectResponse {
  ctx.responseHeaders.set("location", location);
  markNoStore(ctx.responseHeaders);
  return { redirect: location };
}

export function redirectUri(ctx: Context, provider: TOAuthProvider): string {
  return callbackUrl({ publicUrl: ctx.services.config.publicUrl, requestUrl: ctx.request.url, provider });
}

/** Before anything else (no flow cookie, no audit row): an unconfigured provider is a plain 404, logged at debug only. */
export function requireConfigured(ctx: Context, provider: TOAuthProvider): void {
  if (isProviderConfigured(ctx.services.config.identity, provider)) return;
  ctx.services.logger.debug("sign-in provider not configured", { provider, requestId: ctx.request.requestId });
  throw notConfigured(provider);
}

export function oauthDeps(ctx: Context) {
  return { identity: ctx.services.config.identity, signingSecret: ctx.services.signingSecret };
}
