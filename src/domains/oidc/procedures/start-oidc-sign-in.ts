import { publicProcedure } from "../../../trpc/procedures.ts";
import { secureCookies } from "../../../auth/resolve-principal.ts";
import { oauthDeps, providerDoc, redirectTo, redirectUri, requireConfigured } from "../oauth-request.ts";
import { ZRedirectResponse } from "../oidc.types.ts";
import { startOAuthSignIn } from "../service.ts";
import { ZOidcStartInput } from "./start-oidc-sign-in.types.ts";

/** Answers 302 with Location (the JSON body `{ redirect }` carries the same URL, for tRPC callers and scripts). */
export const startOidcSignIn = publicProcedure
  .meta({
    access: "public",
    rest: {
      method: "GET",
      path: "/api/auth/oidc/{provider}",
      surface: "workspaces",
      status: 302,
      tags: ["auth"],
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
  });
