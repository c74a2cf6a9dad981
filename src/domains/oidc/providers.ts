import type { Config } from "../../config.ts";
import { AppError } from "../../platform/errors.ts";
import { genericOidcProvider } from "./generic.ts";
import { gitHubProvider } from "./github.ts";
import type { OAuthProvider, TOAuthProvider } from "./oidc.types.ts";

/**
 * The one place a provider name becomes a provider, from configuration:
 * - github: GITHUB_CLIENT_ID/SECRET (+ GITHUB_OAUTH_URL/GITHUB_API_URL for Enterprise and tests)
 * - generic: OIDC_ISSUER/OIDC_CLIENT_ID (+ OIDC_CLIENT_SECRET; public client without it)
 * Unconfigured: 503.
 */
export function oauthProvider(identity: Config["identity"], name: TOAuthProvider): OAuthProvider {
  switch (name) {
    case "github":
      if (!identity.github) throw new AppError("UNAVAILABLE", "GitHub sign-in is not configured");
      return gitHubProvider(identity.github);
    case "generic":
      if (!identity.oidc) throw new AppError("UNAVAILABLE", "OIDC sign-in is not configured");
      return genericOidcProvider(identity.oidc);
  }
}
