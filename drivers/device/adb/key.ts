/**
 * The platform's ADB key: one RSA-2048 (e = 65537) private key, kept as PKCS#8 DER bytes.
 * The platform generates it once and stores it (encrypted at rest, by its own means);
 * `serializeAdbKey`/`parseAdbKey` give it a text form for that storage.
 */
import { createPrivateKey, generateKeyPair } from "node:crypto";
import { promisify } from "node:util";
import { adbGeneratePublicKey, type AdbCredentialStore } from "@yume-chan/adb";
import type { DeviceKeys } from "../types.ts";

const generateKeyPairAsync = promisify(generateKeyPair);
const PEM_LABEL = "PRIVATE KEY";

export async function generateAdbKey(): Promise<Uint8Array> {
  const { privateKey } = await generateKeyPairAsync("rsa", { modulusLength: 2048, publicExponent: 65537 });
  return new Uint8Array(privateKey.export({ format: "der", type: "pkcs8" }));
}

/** Throws unless the bytes are a PKCS#8 RSA-2048 key with exponent 65537 (the only kind adbd takes). */
export function assertAdbKey(pkcs8: Uint8Array): void {
  let details;
  try {
    const key = createPrivateKey({ key: Buffer.from(pkcs8), format: "der", type: "pkcs8" });
    if (key.asymmetricKeyType !== "rsa") throw new Error(`key type is ${key.asymmetricKeyType ?? "unknown"}`);
    details = key.asymmetricKeyDetails;
  } catch (error) {
    throw new TypeError(`ADB key is not a PKCS#8 RSA private key: ${(error as Error).message}`);
  }
  if (details?.modulusLength !== 2048 || details.publicExponent !== 65537n) {
    throw new TypeError("ADB key must be RSA-2048 with public exponent 65537");
  }
}

/** PEM text of the key, for the platform's (encrypted) storage. */
export function serializeAdbKey(pkcs8: Uint8Array): string {
  const base64 = Buffer.from(pkcs8).toString("base64");
  const lines = base64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${PEM_LABEL}-----\n${lines.join("\n")}\n-----END ${PEM_LABEL}-----\n`;
}

export function parseAdbKey(pem: string): Uint8Array {
  const match = new RegExp(`-----BEGIN ${PEM_LABEL}-----([A-Za-z0-9+/=\\s]+)-----END ${PEM_LABEL}-----`).exec(pem);
  if (!match?.[1]) throw new TypeError(`ADB key text is not a PEM "${PEM_LABEL}" block`);
  const pkcs8 = new Uint8Array(Buffer.from(match[1].replace(/\s+/g, ""), "base64"));
  assertAdbKey(pkcs8);
  return pkcs8;
}

/** The key's public half as one `adb_keys` line: what a device lists as authorised. */
export function adbPublicKey(pkcs8: Uint8Array, name = "agent-cloud"): string {
  const base64 = Buffer.from(adbGeneratePublicKey(pkcs8)).toString("base64");
  return name ? `${base64} ${name}` : base64;
}

/** Tango's credential store over exactly one key; it never makes keys of its own. */
export function singleKeyCredentialStore(pkcs8: Uint8Array, name: string): AdbCredentialStore {
  return {
    generateKey: () => {
      throw new Error("the platform's ADB key is provided, not generated per connection");
    },
    *iterateKeys() {
      yield { buffer: pkcs8, name };
    },
  };
}

/** The platform's device identity is an ADB key, whichever driver runs the device. */
export const ADB_KEYS: DeviceKeys = { generate: generateAdbKey, serialize: serializeAdbKey, parse: parseAdbKey };
