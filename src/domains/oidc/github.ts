import { CodeChallengeMethod, OAuth2Client } from "arctic";
import { z } from "zod";
import { exchangeCode, fetchProviderJson } from "./http.ts";
import type { ExternalIdentity, OAuthProvider } from "./oidc.types.ts";

export interface GitHubConfig {
  clientId: string;
  clientSecret: string;
  /** `https://github.com`, or a GitHub Enterprise host. */
  oauthUrl: string;
  /** `https://api.github.com`, or `https://HOST/api/v3`. */
  apiUrl: string;
}

const SCOPES = ["read:user", "user:email"];

const ZGitHubUser = z.object({
  id: z.number().int(),
  login: z.string(),
  name: z.string().nullable().optional(),
});
const ZGitHubEmails = z.array(z.object({ email: z.string(), primary: z.boolean(), verified: z.boolean() }));

/**
 * GitHub OAuth (not OIDC): code + state + PKCE against configurable endpoints (arctic's own GitHub
 * provider hardcodes github.com); the identity is the numeric user id; the e-mail is the verified
 * primary address from /user/emails.
 */
export function gitHubProvider(config: GitHubConfig): OAuthProvider {
  const oauthUrl = config.oauthUrl.replace(/\/+$/, "");
  const apiUrl = config.apiUrl.replace(/\/+$/, "");
  const client = (redirectUri: string) => new OAuth2Client(config.clientId, config.clientSecret, redirectUri);
  return {
    name: "github",
    issuer: null,
    async authorizationUrl({ redirectUri, secrets }) {
      return client(redirectUri).createAuthorizationURLWithPKCE(
        `${oauthUrl}/login/oauth/authorize`,
        secrets.state,
        CodeChallengeMethod.S256,
        secrets.codeVerifier,
        SCOPES,
      );
    },
    async identify({ redirectUri, code, secrets }): Promise<ExternalIdentity> {
      const tokens = await exchangeCode(client(redirectUri), {
        tokenEndpoint: `${oauthUrl}/login/oauth/access_token`,
        code,
        codeVerifier: secrets.codeVerifier,
      });
      const headers = {
        accept: "application/vnd.github+json",
        authorization: `Bearer ${tokens.accessToken()}`,
        "x-github-api-version": "2022-11-28",
      };
      const user = await fetchProviderJson(`${apiUrl}/user`, ZGitHubUser, { what: "user API", headers });
      const emails = await fetchProviderJson(`${apiUrl}/user/emails`, ZGitHubEmails, { what: "e-mail API", headers });
      const primary = emails.find((e) => e.primary && e.verified);
      return {
        provider: "github",
        subject: String(user.id),
        email: primary?.email ?? null,
        emailVerified: primary !== undefined,
        displayName: user.name ?? user.login,
      };
    },
  };
}
