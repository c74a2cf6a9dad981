import { createRemoteJWKSet, type JWTVerifyGetKey } from "jose";
import { z } from "zod";
import { AppError } from "../../platform/errors.ts";
import { fetchProviderJson } from "./http.ts";

/** The parts of an OpenID Provider's configuration document the sign-in flow uses. */
const ZDiscovery = z.object({
  issuer: z.string(),
  authorization_endpoint: z.url(),
  token_endpoint: z.url(),
  jwks_uri: z.url(),
  userinfo_endpoint: z.url().optional(),
  code_challenge_methods_supported: z.array(z.string()).optional(),
});
export type TDiscovery = z.infer<typeof ZDiscovery>;

const DISCOVERY_TTL_MS = 10 * 60_000;
const discoveries = new Map<string, { at: number; document: Promise<TDiscovery> }>();
const keySets = new Map<string, JWTVerifyGetKey>();

export function trimIssuer(issuer: string): string {
  return issuer.replace(/\/+$/, "");
}

/** `${issuer}/.well-known/openid-configuration`, cached ten minutes; its `issuer` must be ours. */
export function discover(issuer: string): Promise<TDiscovery> {
  const key = trimIssuer(issuer);
  const cached = discoveries.get(key);
  if (cached && Date.now() - cached.at < DISCOVERY_TTL_MS) return cached.document;
  const document = (async () => {
    const doc = await fetchProviderJson(`${key}/.well-known/openid-configuration`, ZDiscovery, {
      what: "discovery document",
    });
    if (trimIssuer(doc.issuer) !== key) {
      throw new AppError("BAD_GATEWAY", "The OIDC discovery document names a different issuer");
    }
    return doc;
  })();
  discoveries.set(key, { at: Date.now(), document });
  document.catch(() => {
    if (discoveries.get(key)?.document === document) discoveries.delete(key);
  });
  return document;
}

/** The provider's signing keys (jose caches them and refetches on an unknown `kid`). */
export function remoteKeySet(jwksUri: string): JWTVerifyGetKey {
  let keySet = keySets.get(jwksUri);
  if (!keySet) {
    keySet = createRemoteJWKSet(new URL(jwksUri), { timeoutDuration: 10_000 });
    keySets.set(jwksUri, keySet);
  }
  return keySet;
}
