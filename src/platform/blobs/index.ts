import { join } from "node:path";
import type { Config } from "../../config/index.ts";
import { createLocalBlobStore } from "./local.ts";
import { createS3BlobStore } from "./s3.ts";
import type { BlobStore } from "./types.ts";

/**
 * The blob store, chosen here and nowhere else:
 * - `s3`: when S3_BUCKET is set (with S3_ENDPOINT/REGION/keys) — AWS S3, R2, MinIO; presigned URLs
 *   point at the bucket itself.
 * - `local`: otherwise — files under `<DATA_DIR>/blobs`; presigned URLs are HMAC-signed platform
 *   URLs (`<publicUrl or baseUrl>/blobs/<key>`) served by `handleSignedBlobRequest`.
 */
export function createBlobStore(options: {
  config: Pick<Config, "dataDir" | "s3" | "publicUrl">;
  signingSecret: string;
  /** The platform's own base URL; a function because it is known only once the listener is up. */
  baseUrl: string | (() => string);
}): BlobStore {
  const { config, signingSecret } = options;
  if (config.s3) return createS3BlobStore(config.s3);
  return createLocalBlobStore({
    root: join(config.dataDir, "blobs"),
    signingSecret,
    baseUrl: config.publicUrl ?? options.baseUrl,
  });
}

export { handleSignedBlobRequest, signBlobUrl, verifySignedBlobUrl } from "./signed-url.ts";
export type { SignedBlobCheck } from "./signed-url.ts";
export { assertBlobKey, MAX_PRESIGN_SECONDS } from "./types.ts";
export type { BlobBody, BlobStore, PutResult } from "./types.ts";
