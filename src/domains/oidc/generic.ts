import { CodeChallengeMethod, OAuth2Client } from "arctic";
import { errors, jwtVerify, type JWTPayload } from "jose";
import { z } from "zod";
import { AppError } from "../../platform/errors.ts";
import { discover, remoteKeySet, trimIssuer, type TDiscovery } from "./discovery.ts";
import { exchangeCode, fetchProviderJson } from "./http.ts";
import type { ExternalIdentity, OAuthProvider } from "./oidc.types.ts";

export interface GenericOidcConfig {
  issuer: string;
  clientId: string;
  clientSecret: string | undefined;
}

const SCOPES = ["openid", "email", "profile"];
const CLOCK_TOLERANCE_S = 30;

const ZClaims = z.object({
  sub: z.string().min(1),
  email: z.string().optional(),
  email_verified: z.union([z.boolean(), z.enum(["true", "false"])]).optional(),
  name: z.string().optional(),
  preferred_username: z.string().optional(),
});
type TClaims = z.infer<typeof ZClaims>;

/**
 * Any OpenID Provider by discovery: authorization code with PKCE (S256), state and nonce; the ID
 * token is verified against the provider's JWKS (signature, iss, aud, azp, exp, nonce); userinfo,
 * when offered, supplies the e-mail claims (its `sub` must match the ID token's).
 */
export function genericOidcProvider(config: GenericOidcConfig): OAuthProvider {
  const issuer = trimIssuer(config.issuer);
  const providerKey = `oidc:${issuer}`;
  const client = (redirectUri: string) => new OAuth2Client(config.clientId, config.clientSecret ?? null, redirectUri);
  return {
    name: "generic",
    issuer,
    async authorizationUrl({ redirectUri, secrets }) {
      const doc = await discover(issuer);
      const url = client(redirectUri).createAuthorizationURLWithPKCE(
        doc.authorization_endpoint,
        secrets.state,
        CodeChallengeMethod.S256,
        secrets.codeVerifier,
        SCOPES,
      );
      if (secrets.nonce) url.searchParams.set("nonce", secrets.nonce);
      return url;
    },
    async identify({ redirectUri, code, secrets }): Promise<ExternalIdentity> {
      const doc = await discover(issuer);
      const tokens = await exchangeCode(client(redirectUri), { tokenEndpoint: doc.token_endpoint, code, codeVerifier: secrets.codeVerifier });
      const idToken = readIdToken(tokens.data);
      const claims = await verifyIdToken({ doc, idToken, clientId: config.clientId, nonce: secrets.nonce });
      const emailClaims = doc.userinfo_endpoint ? await userinfo(doc.userinfo_endpoint, tokens.accessToken(), claims.sub) : claims;
      const source = emailClaims.email ? emailClaims : claims;
      return {
        provider: providerKey,
        subject: claims.sub,
        email: source.email ?? null,
        emailVerified: source.email_verified === true || source.email_verified === "true",
        displayName: emailClaims.name ?? claims.name ?? emailClaims.preferred_username ?? null,
      };
    },
  };
}

function readIdToken(data: object): string {
  if ("id_token" in data && typeof data.id_token === "string") return data.id_token;
  throw new AppError("BAD_GATEWAY", "The OIDC provider returned no ID token");
}

async function verifyIdToken(input: { doc: TDiscovery; idToken: string; clientId: string; nonce: string | null }): Promise<TClaims> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(input.idToken, remoteKeySet(input.doc.jwks_uri), {
      issuer: input.doc.issuer,
      audience: input.clientId,
      clockTolerance: CLOCK_TOLERANCE_S,
      requiredClaims: ["sub", "exp", "iat"],
    }));
  } catch (error) {
    const unavailable = error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid;
    if (error instanceof errors.JOSEError && !unavailable) {
      throw new AppError("UNAUTHENTICATED", "The ID token could not be verified");
    }
    throw new AppError("BAD_GATEWAY", "The OIDC provider's signing keys could not be fetched");
  }
  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if (audiences.length > 1 && payload.azp !== input.clientId) {
    throw new AppError("UNAUTHENTICATED", "The ID token could not be verified");
  }
  if (!input.nonce || payload.nonce !== input.nonce) {
    throw new AppError("UNAUTHENTICATED", "The ID token could not be verified (nonce mismatch)");
  }
  const claims = ZClaims.safeParse(payload);
  if (!claims.success) throw new AppError("UNAUTHENTICATED", "The ID token could not be verified");
  return claims.data;
}

async function userinfo(endpoint: string, accessToken: string, subject: string): Promise<TClaims> {
  const claims = await fetchProviderJson(endpoint, ZClaims, {
    what: "userinfo endpoint",
    headers: { authorization: `Bearer ${accessToken}` },
  });
  if (claims.sub !== subject) throw new AppError("UNAUTHENTICATED", "The OIDC userinfo belongs to another subject");
  return claims;
}
