import { EncryptJWT, jwtDecrypt } from "jose";
import { z } from "zod";
import type { FlowSecrets, TOAuthProvider } from "./oidc.types.ts";

/**
 * The state of one sign-in attempt (state, PKCE verifier, nonce, return path) travels in a
 * short-lived HttpOnly cookie, encrypted and authenticated (JWE dir/A256GCM) with a key derived
 * from the platform's signing secret: nothing to store server-side, nothing readable or forgeable
 * by the browser. One cookie per provider, so two tabs on different providers do not collide.
 */
export const FLOW_TTL_SECONDS = 600;
const AUDIENCE = "agent-cloud/oauth-flow";

export interface OAuthFlow extends FlowSecrets {
  provider: TOAuthProvider;
  returnTo: string;
}

const ZFlowClaims = z.object({
  provider: z.enum(["github", "generic"]),
  state: z.string(),
  codeVerifier: z.string(),
  nonce: z.string().nullable(),
  returnTo: z.string(),
});

const keys = new Map<string, Promise<Uint8Array>>();

function flowKey(secret: string): Promise<Uint8Array> {
  let key = keys.get(secret);
  if (!key) {
    key = (async () => {
      const encoder = new TextEncoder();
      const material = await crypto.subtle.importKey("raw", encoder.encode(secret), "HKDF", false, ["deriveBits"]);
      const bits = await crypto.subtle.deriveBits(
        { name: "HKDF", hash: "SHA-256", salt: encoder.encode("agent-cloud/oauth-flow"), info: encoder.encode("A256GCM") },
        material,
        256,
      );
      return new Uint8Array(bits);
    })();
    keys.set(secret, key);
  }
  return key;
}

export function flowCookieName(provider: TOAuthProvider): string {
  return `oauth_flow_${provider}`;
}

export async function sealFlow(secret: string, flow: OAuthFlow): Promise<string> {
  return new EncryptJWT({ ...flow })
    .setProtectedHeader({ alg: "dir", enc: "A256GCM" })
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${FLOW_TTL_SECONDS}s`)
    .encrypt(await flowKey(secret));
}

/** The flow in the cookie, or null when it is missing, expired, tampered or for another provider. */
export async function openFlow(secret: string, sealed: string | null, provider: TOAuthProvider): Promise<OAuthFlow | null> {
  if (!sealed) return null;
  try {
    const { payload } = await jwtDecrypt(sealed, await flowKey(secret), { audience: AUDIENCE });
    const flow = ZFlowClaims.safeParse(payload);
    return flow.success && flow.data.provider === provider ? flow.data : null;
  } catch {
    return null;
  }
}

export function flowCookie(provider: TOAuthProvider, value: string, secure: boolean): string {
  return [`${flowCookieName(provider)}=${value}`, "Path=/", "HttpOnly", "SameSite=Lax", `Max-Age=${FLOW_TTL_SECONDS}`, ...(secure ? ["Secure"] : [])].join("; ");
}

export function clearedFlowCookie(provider: TOAuthProvider, secure: boolean): string {
  return [`${flowCookieName(provider)}=`, "Path=/", "HttpOnly", "SameSite=Lax", "Max-Age=0", ...(secure ? ["Secure"] : [])].join("; ");
}
