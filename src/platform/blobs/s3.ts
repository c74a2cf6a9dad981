import type { Config } from "../../config/index.ts";
import { AppError } from "../errors.ts";
import {
  assertBlobKey,
  assertBlobPrefix,
  assertPresignExpiry,
  blobBytes,
  compareBlobKeys,
  type BlobStore,
} from "./types.ts";

export type S3BlobConfig = NonNullable<Config["s3"]>;

/**
 * Blobs in an S3-compatible bucket (AWS S3, R2, MinIO, …) through Bun's built-in client, path-style.
 * Credentials left unset fall back to Bun's own environment lookup (S3_* / AWS_*).
 */
export function createS3BlobStore(config: S3BlobConfig): BlobStore {
  const client = new Bun.S3Client({
    bucket: config.bucket,
    endpoint: config.endpoint,
    region: config.region,
    accessKeyId: config.accessKeyId,
    secretAccessKey: config.secretAccessKey,
  });

  return {
    kind: "s3",

    async put(key, body, options) {
      assertBlobKey(key);
      const bytes = await blobBytes(body);
      await upstream("put", () => client.write(key, bytes, options?.contentType ? { type: options.contentType } : {}));
      return { key, size: bytes.byteLength };
    },

    async get(key) {
      assertBlobKey(key);
      try {
        return await client.file(key).bytes();
      } catch (error) {
        if (s3Code(error) === "NoSuchKey") return null;
        throw upstreamError("get", error);
      }
    },

    async exists(key) {
      assertBlobKey(key);
      return upstream("exists", () => client.exists(key));
    },

    async delete(key) {
      assertBlobKey(key);
      await upstream("delete", () => client.delete(key));
    },

    async list(prefix) {
      assertBlobPrefix(prefix);
      const keys: string[] = [];
      let continuationToken: string | undefined;
      do {
        const token = continuationToken;
        const page = await upstream("list", () => client.list({ prefix, ...(token ? { continuationToken: token } : {}) }));
        for (const object of page.contents ?? []) keys.push(object.key);
        continuationToken = page.isTruncated ? page.nextContinuationToken : undefined;
      } while (continuationToken);
      // S3 already lists in byte order; sorting keeps the promise on looser S3-compatible servers.
      return keys.sort(compareBlobKeys);
    },

    async presignGet(key, expiresInSeconds) {
      assertBlobKey(key);
      assertPresignExpiry(expiresInSeconds);
      return client.presign(key, { method: "GET", expiresIn: expiresInSeconds });
    },
  };
}

function s3Code(error: unknown): string | undefined {
  return error instanceof Error && "code" in error ? String(error.code) : undefined;
}

function upstreamError(operation: string, error: unknown): AppError {
  const wrapped = new AppError("BAD_GATEWAY", `Object storage ${operation} failed (${s3Code(error) ?? "network error"})`);
  wrapped.cause = error;
  return wrapped;
}

async function upstream<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw upstreamError(operation, error);
  }
}
