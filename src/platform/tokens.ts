import { encodeBase32LowerCaseNoPadding } from "@oslojs/encoding";

/** A random secret of `bytes` bytes, base32 (lower case, no padding): safe in URLs and cookies. */
export function randomToken(bytes = 32): string {
  return encodeBase32LowerCaseNoPadding(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** The at-rest form of a token: its SHA-256, hex. Tokens carry enough entropy not to need a slow hash. */
export function hashToken(token: string): string {
  // Bun's native SHA-256 (UTF-8 input, lower-case hex): every API-key and session request hashes its credential.
  return new Bun.CryptoHasher("sha256").update(token).digest("hex");
}
