import { randomBytes } from "node:crypto";
import { mkdir, open, readdir, readFile, rename, rm, stat, unlink } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import { AppError } from "../errors.ts";
import { signBlobUrl } from "./signed-url.ts";
import {
  assertBlobKey,
  assertBlobPrefix,
  assertPresignExpiry,
  blobBytes,
  compareBlobKeys,
  type BlobStore,
} from "./types.ts";

/**
 * Blobs as files under `root`. Writes land in a sibling `<root>.tmp` directory first and are
 * renamed into place, so readers see the old bytes or the new ones, never a torn file. The
 * content type given to `put` is not kept: the signed-URL handler infers it from the key's name.
 */
export function createLocalBlobStore(options: { root: string; signingSecret: string; baseUrl: string | (() => string) }): BlobStore {
  const { root, signingSecret, baseUrl } = options;
  const tmpDir = `${root}.tmp`;
  const pathOf = (key: string) => join(root, ...key.split("/"));

  return {
    kind: "local",

    async put(key, body) {
      assertBlobKey(key);
      const bytes = await blobBytes(body);
      const target = pathOf(key);
      const tmp = join(tmpDir, `${Date.now()}-${randomBytes(8).toString("hex")}`);
      await mkdir(tmpDir, { recursive: true });
      try {
        const handle = await open(tmp, "wx", 0o600);
        try {
          await handle.writeFile(bytes);
          await handle.sync();
        } finally {
          await handle.close();
        }
        await mkdir(dirname(target), { recursive: true });
        await rename(tmp, target);
      } catch (error) {
        await rm(tmp, { force: true });
        if (isCode(error, "ENOTDIR", "EISDIR", "EEXIST")) {
          throw new AppError("CONFLICT", "Blob key collides with an existing key used as a folder", { key: "conflict" });
        }
        throw error;
      }
      const etag = new Bun.CryptoHasher("md5").update(bytes).digest("hex");
      return { key, size: bytes.byteLength, etag };
    },

    async get(key) {
      assertBlobKey(key);
      try {
        return new Uint8Array(await readFile(pathOf(key)));
      } catch (error) {
        if (isCode(error, "ENOENT", "ENOTDIR", "EISDIR")) return null;
        throw error;
      }
    },

    async exists(key) {
      assertBlobKey(key);
      try {
        return (await stat(pathOf(key))).isFile();
      } catch (error) {
        if (isCode(error, "ENOENT", "ENOTDIR")) return false;
        throw error;
      }
    },

    async delete(key) {
      assertBlobKey(key);
      try {
        await unlink(pathOf(key));
      } catch (error) {
        if (!isCode(error, "ENOENT", "ENOTDIR", "EISDIR", "EPERM")) throw error;
      }
    },

    async list(prefix) {
      assertBlobPrefix(prefix);
      const folder = prefix.includes("/") ? prefix.slice(0, prefix.lastIndexOf("/")) : "";
      const start = folder ? pathOf(folder) : root;
      const keys: string[] = [];
      for (const file of await walk(start)) {
        const key = relative(root, file).split(sep).join("/");
        if (key.startsWith(prefix)) keys.push(key);
      }
      return keys.sort(compareBlobKeys);
    },

    async presignGet(key, expiresInSeconds) {
      assertBlobKey(key);
      assertPresignExpiry(expiresInSeconds);
      const expiresAt = Math.floor(Date.now() / 1000) + expiresInSeconds;
      return signBlobUrl({ baseUrl: typeof baseUrl === "function" ? baseUrl() : baseUrl, key, expiresAt, secret: signingSecret });
    },
  };
}

async function walk(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if (isCode(error, "ENOENT", "ENOTDIR")) return [];
    throw error;
  }
  const files: string[] = [];
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await walk(full)));
    else if (entry.isFile()) files.push(full);
  }
  return files;
}

function isCode(error: unknown, ...codes: string[]): boolean {
  return error instanceof Error && "code" in error && codes.includes(String(error.code));
}
