import type { Context } from "../../trpc/context.ts";
import { publicProcedure } from "../../trpc/procedures.ts";
import { markNoStore } from "../../auth/no-store.ts";
import { readCookie } from "../../auth/sessions.ts";
import { secureCookies } from "../../auth/resolve-principal.ts";
import { previousSessionToken } from "../../auth/browser-session.ts";
import { clearedFlowCookie, flowCookieName } from "./flow-cookie.ts";
import { ZOidcCallbackInput, ZOidcStartInput, ZRedirectResponse, type TOAuthProvider, type TRedirectResponse } from "./oidc.types.ts";
import { callbackUrl } from "./return-to.ts";
import { isProviderConfigured, notConfigured } from "./providers.ts";
import { completeOAuthSignIn, startOAuthSignIn } from "./service.ts";

/**
 * Workspaces /api/auth/oidc/{github|generic} and their /callback. Both answer 302 with Location
 * (the JSON body `{ redirect }` carries the same URL, for tRPC callers and scripts).
 */
const tags = ["auth"];
const providerDoc = "`github` (GitHub OAuth, GITHUB_CLIENT_ID/SECRET) or `generic` (OpenID Connect by discovery, OIDC_ISSUER/OIDC_CLIENT_ID). 404 when not configured on this server.";

function redirectTo(ctx: Context, location: string): TRedirectResponse {
  ctx.responseHeaders.set("location", location);
  markNoStore(ctx.responseHeaders);
  return { redirect: location };
}

function redirectUri(ctx: Context, provider: TOAuthProvider): string {
  return callbackUrl({ publicUrl: ctx.services.config.publicUrl, requestUrl: ctx.request.url, provider });
}

/** Before anything else (no flow cookie, no audit row): an unconfigured provider is a plain 404, logged at debug only. */
function requireConfigured(ctx: Context, provider: TOAuthProvider): void {
  if (isProviderConfigured(ctx.services.config.identity, provider)) return;
  ctx.services.logger.debug("sign-in provider not configured", { provider, requestId: ctx.request.requestId });
  throw notConfigured(provider);
}

function oauthDeps(ctx: Context) {
  return { identity: ctx.services.config.identity, signingSecret: ctx.services.signingSecret };
}

export const oidcProcedures = {
  oidcStart: publicProcedure
    .meta({
      access: "public",
      rest: {
        method: "GET",
        path: "/api/auth/oidc/{provider}",
        surface: "workspaces",
        status: 302,
        tags,
        summary: "Initiate GitHub OAuth or generic OIDC flow",
        description: `${providerDoc} Redirects to the provider with state and PKCE (S256; plus a nonce for OIDC), kept in a 10-minute encrypted HttpOnly cookie. \`return_to\`: a same-origin relative path to land on afterwards.`,
        errors: { 404: "This sign-in provider is not configured on this server." },
      },
    })
    .input(ZOidcStartInput)
    .output(ZRedirectResponse)
    .query(async ({ ctx, input }) => {
      requireConfigured(ctx, input.provider);
      const { location, cookie } = await startOAuthSignIn(oauthDeps(ctx), {
        provider: input.provider,
        returnTo: input.return_to,
        redirectUri: redirectUri(ctx, input.provider),
        secure: secureCookies(ctx.services),
      });
      ctx.responseHeaders.append("set-cookie", cookie);
      return redirectTo(ctx, location);
    }),

  oidcCallback: publicProcedure
    .meta({
      access: "public",
      rest: {
        method: "GET",
        path: "/api/auth/oidc/{provider}/callback",
        surface: "workspaces",
        status: 302,
        tags,
        summary: "GitHub OAuth or generic OIDC callback",
        description: `${providerDoc} Checks state, exchanges the code, proves the identity (OIDC: ID token against the provider's JWKS, iss/aud/nonce/exp) and links it to a user by verified e-mail only (403 otherwise). Sets the session cookie and redirects to \`return_to\` or \`/\`.`,
        errors: {
          403: "The provider did not verify the e-mail address that would link this identity.",
          404: "This sign-in provider is not configured on this server.",
        },
      },
    })
    .input(ZOidcCallbackInput)
    .output(ZRedirectResponse)
    .query(async ({ ctx, input }) => {
      requireConfigured(ctx, input.provider);
      const secure = secureCookies(ctx.services);
      // The attempt is over whatever happens next: the flow cookie goes.
      ctx.responseHeaders.append("set-cookie", clearedFlowCookie(input.provider, secure));
      const { location, cookie } = await completeOAuthSignIn(
        { ...oauthDeps(ctx), db: ctx.services.db, logger: ctx.services.logger, principalCache: ctx.services.principalCache },
        {
          provider: input.provider,
          query: { code: input.code, state: input.state, error: input.error, iss: input.iss },
          flowCookie: readCookie(ctx.request.headers, flowCookieName(input.provider)),
          redirectUri: redirectUri(ctx, input.provider),
          meta: ctx.meta,
          previousSessionToken: previousSessionToken(ctx.request),
          session: { ttlDays: ctx.services.config.identity.sessionTtlDays, secure },
        },
      );
      ctx.responseHeaders.append("set-cookie", cookie);
      return redirectTo(ctx, location);
    }),
};
