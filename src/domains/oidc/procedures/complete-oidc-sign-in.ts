import { publicProcedure } from "../../../trpc/procedures.ts";
import { readCookie } from "../../../auth/sessions.ts";
import { secureCookies } from "../../../auth/resolve-principal.ts";
import { previousSessionToken } from "../../../auth/browser-session.ts";
import { clearedFlowCookie, flowCookieName } from "../flow-cookie.ts";
import { oauthDeps, providerDoc, redirectTo, redirectUri, requireConfigured } from "../oauth-request.ts";
import { ZRedirectResponse } from "../oidc.types.ts";
import { completeOAuthSignIn } from "../service.ts";
import { ZOidcCallbackInput } from "./complete-oidc-sign-in.types.ts";

/** Answers 302 with Location (the JSON body `{ redirect }` carries the same URL, for tRPC callers and scripts). */
export const completeOidcSignIn = publicProcedure
  .meta({
    access: "public",
    rest: {
      method: "GET",
      path: "/api/auth/oidc/{provider}/callback",
      surface: "workspaces",
      status: 302,
      tags: ["auth"],
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
  });
