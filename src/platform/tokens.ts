import { sha256 } from "@oslojs/crypto/sha2";
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from "@oslojs/encoding";

/** A random secret of `bytes` bytes, base32 (lower case, no padding): safe in URLs and cookies. */
export function randomToken(bytes = 32): string {
  return encodeBase32LowerCaseNoPadding(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** The at-rest form of a token: its SHA-256, hex. Tokens carry enough entropy not to need a slow hash. */
export function hashToken(token: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}
