/**
 * Secrets at rest (device keys, provider credentials): AES-256-GCM under a key derived with HKDF
 * from the platform's signing secret. Format: `v1.<iv base64url>.<ciphertext+tag base64url>`.
 */
const keys = new Map<string, Promise<CryptoKey>>();

function encryptionKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = (async () => {
      const material = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), "HKDF", false, ["deriveKey"]);
      return crypto.subtle.deriveKey(
        { name: "HKDF", hash: "SHA-256", salt: new TextEncoder().encode("agent-cloud/at-rest"), info: new TextEncoder().encode("v1") },
        material,
        { name: "AES-GCM", length: 256 },
        false,
        ["encrypt", "decrypt"],
      );
    })();
    keys.set(secret, key);
  }
  return key;
}

export async function encryptSecret(secret: string, plaintext: Uint8Array<ArrayBuffer> | string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const data = typeof plaintext === "string" ? new TextEncoder().encode(plaintext) : plaintext;
  const sealed = await crypto.subtle.encrypt({ name: "AES-GCM", iv }, await encryptionKey(secret), data);
  return `v1.${Buffer.from(iv).toString("base64url")}.${Buffer.from(sealed).toString("base64url")}`;
}

export async function decryptSecret(secret: string, sealed: string): Promise<Uint8Array> {
  const [version, iv, body] = sealed.split(".");
  if (version !== "v1" || !iv || !body) throw new Error("unrecognised sealed secret format");
  const plain = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: Buffer.from(iv, "base64url") },
    await encryptionKey(secret),
    Buffer.from(body, "base64url"),
  );
  return new Uint8Array(plain);
}
