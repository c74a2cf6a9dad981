import type { Config } from "../../config/index.ts";
import { AppError } from "../../platform/errors.ts";
import { genericOidcProvider } from "./generic.ts";
import { gitHubProvider } from "./github.ts";
import type { OAuthProvider, TOAuthProvider } from "./oidc.types.ts";

/**
 * The one place a provider name becomes a provider, from configuration:
 * - github: GITHUB_CLIENT_ID/SECRET (+ GITHUB_OAUTH_URL/GITHUB_API_URL for Enterprise and tests)
 * - generic: OIDC_ISSUER/OIDC_CLIENT_ID (+ OIDC_CLIENT_SECRET; public client without it)
 * Unconfigured: 404 — this server has no such sign-in; nothing failed, so nothing is logged as an error.
 */
export function oauthProvider(identity: Config["identity"], name: TOAuthProvider): OAuthProvider {
  switch (name) {
    case "github":
      if (!identity.github) throw notConfigured(name);
      return gitHubProvider(identity.github);
    case "generic":
      if (!identity.oidc) throw notConfigured(name);
      return genericOidcProvider(identity.oidc);
  }
}

export function isProviderConfigured(identity: Config["identity"], name: TOAuthProvider): boolean {
  return name === "github" ? identity.github !== undefined : identity.oidc !== undefined;
}

export function notConfigured(name: TOAuthProvider): AppError {
  return new AppError("NOT_FOUND", name === "github" ? "GitHub sign-in is not configured" : "OIDC sign-in is not configured");
}
