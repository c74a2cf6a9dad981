import { errors, jwtVerify, SignJWT, type JWTHeaderParameters } from "jose";

/**
 * Short-lived JWT access tokens (HS256). Each key id names a key derived from the platform's
 * signing secret with HKDF, so rotation is a new JWT_KEY_ID with the old one kept in
 * JWT_PREVIOUS_KEY_IDS until its tokens have expired — no key material to distribute.
 */
const ISSUER = "agent-cloud";
const AUDIENCE = "agent-cloud";

export interface AccessTokenKeys {
  current: string;
  accepted: readonly string[];
  secret: string;
}

const derived = new Map<string, Promise<Uint8Array>>();

function keyFor(secret: string, kid: string): Promise<Uint8Array> {
  const cacheKey = `${kid}\u0000${secret}`;
  let key = derived.get(cacheKey);
  if (!key) {
    key = (async () => {
      const material = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), "HKDF", false, ["deriveBits"]);
      const bits = await crypto.subtle.deriveBits(
        { name: "HKDF", hash: "SHA-256", salt: new TextEncoder().encode("agent-cloud/jwt"), info: new TextEncoder().encode(kid) },
        material,
        256,
      );
      return new Uint8Array(bits);
    })();
    derived.set(cacheKey, key);
  }
  return key;
}

export async function signAccessToken(
  keys: AccessTokenKeys,
  input: { userId: string; ttlSeconds: number },
): Promise<{ token: string; expiresAt: Date; tokenId: string }> {
  const tokenId = crypto.randomUUID();
  const expiresAt = new Date(Date.now() + input.ttlSeconds * 1000);
  const token = await new SignJWT({ typ: "access" })
    .setProtectedHeader({ alg: "HS256", kid: keys.current })
    .setSubject(input.userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setJti(tokenId)
    .setIssuedAt()
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(await keyFor(keys.secret, keys.current));
  return { token, expiresAt, tokenId };
}

/** The user id and token id of a valid access token; null for anything tampered, expired or foreign. */
export async function verifyAccessToken(
  keys: AccessTokenKeys,
  token: string,
): Promise<{ userId: string; tokenId: string } | null> {
  try {
    const { payload } = await jwtVerify(
      token,
      async (header: JWTHeaderParameters) => {
        const kid = header.kid;
        if (!kid || !(kid === keys.current || keys.accepted.includes(kid))) throw new errors.JWKSNoMatchingKey();
        return keyFor(keys.secret, kid);
      },
      { issuer: ISSUER, audience: AUDIENCE, algorithms: ["HS256"] },
    );
    if (payload.typ !== "access" || typeof payload.sub !== "string") return null;
    return { userId: payload.sub, tokenId: String(payload.jti ?? "") };
  } catch {
    return null;
  }
}

export function looksLikeJwt(token: string): boolean {
  return token.split(".").length === 3;
}
