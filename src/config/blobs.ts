import { z } from "zod";

/** The blob store: an S3-compatible bucket when S3_BUCKET is set, else files under DATA_DIR/blobs. */
export const ZBlobsConfig = z
  .object({
    S3_BUCKET: z.string().min(1).optional(),
    S3_ENDPOINT: z.url().optional(),
    S3_REGION: z.string().min(1).optional(),
    /** Keys left unset fall back to Bun's own S3_* / AWS_* lookup. */
    S3_ACCESS_KEY_ID: z.string().min(1).optional(),
    S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  })
  .transform((e) => ({
    s3: e.S3_BUCKET
      ? {
          bucket: e.S3_BUCKET,
          endpoint: e.S3_ENDPOINT,
          region: e.S3_REGION,
          accessKeyId: e.S3_ACCESS_KEY_ID,
          secretAccessKey: e.S3_SECRET_ACCESS_KEY,
        }
      : undefined,
  }));

export type BlobsConfig = z.output<typeof ZBlobsConfig>;
