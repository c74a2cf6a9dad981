import { z } from "zod";

/** The sign-in providers behind /api/auth/oidc/{provider}. */
export const OAUTH_PROVIDERS = ["github", "generic"] as const;
export const ZOAuthProvider = z.enum(OAUTH_PROVIDERS);
export type TOAuthProvider = z.infer<typeof ZOAuthProvider>;

/** Body of the 302 responses; the same URL is in `Location`. */
export const ZRedirectResponse = z.object({ redirect: z.string() });
export type TRedirectResponse = z.infer<typeof ZRedirectResponse>;

/** Who the provider says signed in. `provider` is the `oauth_accounts.provider` value. */
export interface ExternalIdentity {
  provider: string;
  subject: string;
  email: string | null;
  emailVerified: boolean;
  displayName: string | null;
}

/** The per-attempt secrets a provider needs at both ends of the redirect. */
export interface FlowSecrets {
  state: string;
  codeVerifier: string;
  /** OpenID Connect only. */
  nonce: string | null;
}

/** One configured provider: where to send the browser, and what the code it returns proves. */
export interface OAuthProvider {
  name: TOAuthProvider;
  /** The issuer the provider identifies itself as (RFC 9207 `iss`), when it has one. */
  issuer: string | null;
  authorizationUrl(input: { redirectUri: string; secrets: FlowSecrets }): Promise<URL>;
  identify(input: { redirectUri: string; code: string; secrets: FlowSecrets }): Promise<ExternalIdentity>;
}
