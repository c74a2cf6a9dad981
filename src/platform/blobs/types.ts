import { AppError } from "../errors.ts";

export type BlobBody = Uint8Array | string | Blob;

export interface PutResult {
  key: string;
  size: number;
  etag?: string;
}

/**
 * Object storage behind one contract. Keys are `/`-separated relative paths; both backends accept
 * the same keys (see `assertBlobKey`) so data can move between them.
 */
export interface BlobStore {
  kind: "local" | "s3";
  put(key: string, body: BlobBody, options?: { contentType?: string }): Promise<PutResult>;
  /** The bytes, or null when the key does not exist. */
  get(key: string): Promise<Uint8Array | null>;
  exists(key: string): Promise<boolean>;
  /** Idempotent: deleting a missing key succeeds. */
  delete(key: string): Promise<void>;
  /** Every key starting with `prefix` (a plain string prefix, as in S3), sorted. */
  list(prefix: string): Promise<string[]>;
  /** An absolute URL anyone holding it may GET until it expires. */
  presignGet(key: string, expiresInSeconds: number): Promise<string>;
}

const MAX_KEY_BYTES = 1024;
/** S3's own ceiling for presigned URLs; the local store keeps the same so callers cannot tell them apart. */
export const MAX_PRESIGN_SECONDS = 7 * 24 * 60 * 60;

// Control characters are refused too: they are legal in S3 but make keys unsafe in paths and logs.
const CONTROL = /[\u0000-\u001f\u007f]/;

function keyProblem(key: string, allowEmpty: boolean): string | undefined {
  if (key === "") return allowEmpty ? undefined : "must not be empty";
  if (new TextEncoder().encode(key).length > MAX_KEY_BYTES) return `must be at most ${MAX_KEY_BYTES} bytes`;
  if (CONTROL.test(key)) return "must not contain control characters";
  if (key.includes("\\")) return "must not contain backslashes";
  if (key.startsWith("/")) return "must be relative (no leading /)";
  return undefined;
}

/** Throws VALIDATION unless `key` is a safe relative path: no `.`/`..`/empty segments, NUL, `\`, leading `/`. */
export function assertBlobKey(key: string): void {
  let problem = keyProblem(key, false);
  if (!problem && key.split("/").some((s) => s === "" || s === "." || s === "..")) {
    problem = "must not contain empty, '.' or '..' segments";
  }
  if (problem) throw new AppError("VALIDATION", `Invalid blob key: ${problem}`, { key: problem });
}

/**
 * A list prefix is a string prefix: its last segment is only a filter and may be partial
 * (`"img/ph"` matches `"img/photo.png"`), but its complete segments follow the key rules.
 */
export function assertBlobPrefix(prefix: string): void {
  let problem = keyProblem(prefix, true);
  const complete = prefix.split("/").slice(0, -1);
  if (!problem && complete.some((s) => s === "" || s === "." || s === "..")) {
    problem = "must not contain empty, '.' or '..' segments";
  }
  if (problem) throw new AppError("VALIDATION", `Invalid blob prefix: ${problem}`, { prefix: problem });
}

export function assertPresignExpiry(expiresInSeconds: number): void {
  if (!Number.isInteger(expiresInSeconds) || expiresInSeconds < 1 || expiresInSeconds > MAX_PRESIGN_SECONDS) {
    throw new AppError("VALIDATION", `expiresInSeconds must be an integer from 1 to ${MAX_PRESIGN_SECONDS}`, {
      expiresInSeconds: "out of range",
    });
  }
}

export async function blobBytes(body: BlobBody): Promise<Uint8Array> {
  if (typeof body === "string") return new TextEncoder().encode(body);
  if (body instanceof Uint8Array) return body;
  return new Uint8Array(await body.arrayBuffer());
}

/** UTF-8 byte order, the order S3 lists keys in. */
export function compareBlobKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}
