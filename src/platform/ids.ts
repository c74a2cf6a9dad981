const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/** 62 * 4: bytes at or above it are dropped so every character is equally likely. */
const UNBIASED_LIMIT = 248;

/**
 * A prefixed random id, `job_4fZq…`: 20 base62 characters from the CSPRNG (~119 bits), so ids
 * can be made anywhere without coordination and say what they name in logs and URLs.
 */
export function newId(prefix: string, length = 20): string {
  let out = "";
  while (out.length < length) {
    for (const byte of crypto.getRandomValues(new Uint8Array(length + 8))) {
      if (byte >= UNBIASED_LIMIT) continue;
      out += ALPHABET.charAt(byte % 62);
      if (out.length === length) break;
    }
  }
  return `${prefix}_${out}`;
}
