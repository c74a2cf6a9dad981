import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import crypto, { createHash, createHmac } from "node:crypto";
import type fs from "node:fs";
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import S3rver from "s3rver";
import { createBlobStore, handleSignedBlobRequest, signBlobUrl } from "../../src/platform/blobs/index.ts";
import type { BlobStore } from "../../src/platform/blobs/types.ts";
import { AppError } from "../../src/platform/errors.ts";
import { loadSigningSecret } from "../../src/platform/secrets.ts";

// s3rver (a real S3 HTTP server, run in-process on loopback) accepts its built-in account only.
const S3 = { bucket: "test-bucket", region: "us-east-1", accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };
const SECRET = "0123456789abcdef0123456789abcdef-test-secret";

/**
 * s3rver was written for Node; two Node behaviours it relies on differ under Bun, both only in
 * paginated listing. (1) It encrypts continuation tokens with cipher "des", an OpenSSL alias of
 * "des-cbc" that Bun's BoringSSL does not register. (2) It pages by walking `readdirSync` (of its
 * own fs-extra), which Node (libuv) returns sorted and Bun does not. Both are patched for this file
 * and restored after.
 */
function patchNodeCompatForS3rver(): () => void {
  const { createCipheriv, createDecipheriv } = crypto;
  const s3rverFs = createRequire(require.resolve("s3rver"))("fs-extra") as { readdirSync: typeof fs.readdirSync };
  const { readdirSync } = s3rverFs;
  const alias = (name: string) => (name.toLowerCase() === "des" ? "des-cbc" : name);
  crypto.createCipheriv = ((name: string, ...rest: [crypto.CipherKey, crypto.BinaryLike | null]) =>
    createCipheriv(alias(name), ...rest)) as typeof crypto.createCipheriv;
  crypto.createDecipheriv = ((name: string, ...rest: [crypto.CipherKey, crypto.BinaryLike | null]) =>
    createDecipheriv(alias(name), ...rest)) as typeof crypto.createDecipheriv;
  s3rverFs.readdirSync = ((...args: Parameters<typeof readdirSync>) => {
    const entries = readdirSync(...args);
    return entries.every((e) => typeof e === "string") ? [...entries].sort() : entries;
  }) as typeof fs.readdirSync;
  return () => {
    Object.assign(crypto, { createCipheriv, createDecipheriv });
    Object.assign(s3rverFs, { readdirSync });
  };
}

let restoreNodeCompat: () => void = () => {};
let workDir: string;
let s3rver: S3rver;
let s3Endpoint: string;
let blobServer: ReturnType<typeof Bun.serve>;
const stores: { local?: BlobStore; s3?: BlobStore } = {};

beforeAll(async () => {
  restoreNodeCompat = patchNodeCompatForS3rver();
  workDir = await mkdtemp(join(tmpdir(), "blobs-test-"));
  s3rver = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory: join(workDir, "s3rver"),
    configureBuckets: [{ name: S3.bucket, configs: [] }],
  });
  const address = await s3rver.run();
  s3Endpoint = `http://127.0.0.1:${address.port}`;
  stores.s3 = createBlobStore({
    config: { dataDir: join(workDir, "unused"), publicUrl: undefined, s3: { ...S3, endpoint: s3Endpoint } },
    signingSecret: SECRET,
    baseUrl: "http://unused.invalid",
  });

  blobServer = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: (request) => handleSignedBlobRequest(request, local(), SECRET),
  });
  stores.local = createBlobStore({
    config: { dataDir: join(workDir, "data"), publicUrl: undefined, s3: undefined },
    signingSecret: SECRET,
    baseUrl: blobServer.url.origin,
  });
});

afterAll(async () => {
  await blobServer?.stop(true);
  await s3rver?.close();
  restoreNodeCompat();
  await rm(workDir, { recursive: true, force: true });
});

function local(): BlobStore {
  if (!stores.local) throw new Error("local store not ready");
  return stores.local;
}
function storeOf(kind: "local" | "s3"): BlobStore {
  const store = stores[kind];
  if (!store) throw new Error(`${kind} store not ready`);
  return store;
}
const text = (bytes: Uint8Array | null) => (bytes ? new TextDecoder().decode(bytes) : null);

async function expectValidation(promise: Promise<unknown>): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe("VALIDATION");
}

describe.each(["local", "s3"] as const)("%s blob store", (kind) => {
  test("factory picks the backend from configuration", () => {
    expect(storeOf(kind).kind).toBe(kind);
  });

  test("put/get/exists/list/delete round trip with every body type", async () => {
    const store = storeOf(kind);
    const binary = new Uint8Array([0, 1, 2, 253, 254, 255]);
    expect(await store.put("rt/a.txt", "hello", { contentType: "text/plain" })).toMatchObject({ key: "rt/a.txt", size: 5 });
    expect((await store.put("rt/b.bin", binary)).size).toBe(6);
    expect((await store.put("rt/sub/c.json", new Blob(['{"ü":1}']))).size).toBe(8);
    await store.put("rtx/other.txt", "not under rt/");

    expect(text(await store.get("rt/a.txt"))).toBe("hello");
    expect(await store.get("rt/b.bin")).toEqual(binary);
    expect(text(await store.get("rt/sub/c.json"))).toBe('{"ü":1}');
    expect(await store.get("rt/missing")).toBeNull();
    expect(await store.exists("rt/a.txt")).toBe(true);
    expect(await store.exists("rt/missing")).toBe(false);

    expect(await store.list("rt/")).toEqual(["rt/a.txt", "rt/b.bin", "rt/sub/c.json"]);
    // A prefix is a string prefix, not a folder.
    expect(await store.list("rt")).toEqual(["rt/a.txt", "rt/b.bin", "rt/sub/c.json", "rtx/other.txt"]);
    expect(await store.list("rt/s")).toEqual(["rt/sub/c.json"]);
    expect(await store.list("nothing/")).toEqual([]);

    await store.put("rt/a.txt", "replaced");
    expect(text(await store.get("rt/a.txt"))).toBe("replaced");

    await store.delete("rt/a.txt");
    await store.delete("rt/a.txt"); // idempotent
    expect(await store.get("rt/a.txt")).toBeNull();
    expect(await store.exists("rt/a.txt")).toBe(false);
    expect(await store.list("rt/")).toEqual(["rt/b.bin", "rt/sub/c.json"]);
  });

  test("keys with spaces and non-ASCII characters round trip", async () => {
    const store = storeOf(kind);
    await store.put("odd/a file ü+%.txt", "odd");
    expect(text(await store.get("odd/a file ü+%.txt"))).toBe("odd");
    expect(await store.list("odd/")).toEqual(["odd/a file ü+%.txt"]);
  });

  test("traversal and malformed keys are refused before any I/O", async () => {
    const store = storeOf(kind);
    const bad = ["../escape", "a/../../escape", "/etc/passwd", "a\0b", "", "a//b", "a/", "./a", "a/./b", "..", "a\\..\\b", "x".repeat(1025)];
    for (const key of bad) {
      await expectValidation(store.put(key, "x"));
      await expectValidation(store.get(key));
      await expectValidation(store.exists(key));
      await expectValidation(store.delete(key));
      await expectValidation(store.presignGet(key, 60));
    }
    for (const prefix of ["../", "a/../", "/abs", "a//", "a\0"]) await expectValidation(store.list(prefix));
    await expectValidation(store.presignGet("ok.txt", 0));
    await expectValidation(store.presignGet("ok.txt", 8 * 24 * 3600));
    await expect(readdir(workDir)).resolves.not.toContain("escape");
  });
});

describe("local blob store on disk", () => {
  test("files live under <dataDir>/blobs and no temp file is left behind", async () => {
    const store = local();
    const result = await store.put("disk/x.txt", "on disk");
    expect(result.etag).toBe(createHash("md5").update("on disk").digest("hex"));
    expect(await readFile(join(workDir, "data", "blobs", "disk", "x.txt"), "utf8")).toBe("on disk");
    expect(await readdir(join(workDir, "data", "blobs.tmp"))).toEqual([]);
  });

  test("concurrent writes to one key leave one complete value", async () => {
    const store = local();
    const values = Array.from({ length: 16 }, (_, i) => String(i).repeat(64 * 1024));
    await Promise.all(values.map((v) => store.put("race/key", v)));
    expect(values).toContain(text(await store.get("race/key")) ?? "");
    expect(await readdir(join(workDir, "data", "blobs.tmp"))).toEqual([]);
  });

  test("a key used as a folder cannot also be a blob", async () => {
    await local().put("folder/child", "x");
    const error = await local().put("folder", "y").catch((e: unknown) => e);
    expect((error as AppError).code).toBe("CONFLICT");
    expect(await local().get("folder")).toBeNull();
  });
});

describe("local presigned URLs through handleSignedBlobRequest", () => {
  const tamper = (url: string, param: string, value: string) => {
    const u = new URL(url);
    u.searchParams.set(param, value);
    return u.toString();
  };

  test("a presigned URL is fetchable over HTTP until it expires", async () => {
    await local().put("docs/report 1.html", "<h1>hi</h1>");
    const url = await local().presignGet("docs/report 1.html", 60);
    expect(url.startsWith(`${blobServer.url.origin}/blobs/docs/report%201.html?expires=`)).toBe(true);
    const expires = Number(new URL(url).searchParams.get("expires"));
    expect(Math.abs(expires - (Math.floor(Date.now() / 1000) + 60))).toBeLessThanOrEqual(1);

    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("<h1>hi</h1>");
    expect(response.headers.get("content-type")).toStartWith("text/html");
    expect(response.headers.get("content-security-policy")).toContain("sandbox");
  });

  test("tampered, foreign, missing and expired signatures get 403 with { error }", async () => {
    await local().put("secret/a.txt", "A");
    await local().put("secret/b.txt", "B");
    const url = await local().presignGet("secret/a.txt", 60);
    const signature = new URL(url).searchParams.get("signature") ?? "";
    const flipped = (signature[0] === "a" ? "b" : "a") + signature.slice(1);
    const now = Math.floor(Date.now() / 1000);
    const attempts = {
      "flipped signature": tamper(url, "signature", flipped),
      "extended expiry": tamper(url, "expires", String(now + 3600)),
      "other key, same query": url.replace("secret/a.txt", "secret/b.txt"),
      "other secret": signBlobUrl({ baseUrl: blobServer.url.origin, key: "secret/a.txt", expiresAt: now + 60, secret: "x".repeat(32) }),
      "no signature": url.slice(0, url.indexOf("?")),
      expired: signBlobUrl({ baseUrl: blobServer.url.origin, key: "secret/a.txt", expiresAt: now - 1, secret: SECRET }),
    };
    for (const [name, attempt] of Object.entries(attempts)) {
      const response = await fetch(attempt);
      expect({ name, status: response.status }).toEqual({ name, status: 403 });
      const body = (await response.json()) as { error: unknown };
      expect(typeof body.error).toBe("string");
      if (name === "expired") expect(body.error).toBe("signature expired");
    }
    expect(await (await fetch(url)).text()).toBe("A");
  });

  test("a valid signature for a missing blob gets 404", async () => {
    const url = await local().presignGet("never/written.txt", 60);
    const response = await fetch(url);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: "blob not found" });
  });
});

/** Recomputes an AWS SigV4 query signature from the URL alone, as S3 does on receipt. */
function sigV4Matches(presigned: string, secretAccessKey: string): boolean {
  const url = new URL(presigned);
  const rfc3986 = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const params = [...url.searchParams.entries()].filter(([k]) => k !== "X-Amz-Signature");
  const query = params
    .map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`)
    .sort()
    .join("&");
  const path = url.pathname.split("/").map((s) => rfc3986(decodeURIComponent(s))).join("/");
  const canonical = ["GET", path, query, `host:${url.host}\n`, "host", "UNSIGNED-PAYLOAD"].join("\n");
  const amzDate = url.searchParams.get("X-Amz-Date") ?? "";
  const [, date = "", region = "", service = ""] = (url.searchParams.get("X-Amz-Credential") ?? "").split("/");
  const scope = `${date}/${region}/${service}/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, createHash("sha256").update(canonical).digest("hex")].join("\n");
  const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data).digest();
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date), region), service), "aws4_request");
  return createHmac("sha256", signingKey).update(toSign).digest("hex") === url.searchParams.get("X-Amz-Signature");
}

describe("S3 presigned URLs against s3rver", () => {
  test("a presigned URL points at the bucket, is correctly signed and is fetchable", async () => {
    const store = storeOf("s3");
    await store.put("shared/photo 1.txt", "from s3", { contentType: "text/plain" });
    const url = await store.presignGet("shared/photo 1.txt", 60);
    const parsed = new URL(url);
    expect(parsed.origin).toBe(s3Endpoint);
    expect(parsed.pathname).toBe(`/${S3.bucket}/shared/photo%201.txt`);
    expect(parsed.searchParams.get("X-Amz-Expires")).toBe("60");
    expect(parsed.searchParams.get("X-Amz-Credential")).toMatch(new RegExp(`^${S3.accessKeyId}/\\d{8}/${S3.region}/s3/aws4_request$`));
    // s3rver checks credential, expiry and path but not the SigV4 signature itself, so check that here.
    expect(sigV4Matches(url, S3.secretAccessKey)).toBe(true);
    expect(sigV4Matches(url, "wrong-secret")).toBe(false);

    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("from s3");
    expect(response.headers.get("content-type")).toStartWith("text/plain");
  });

  test("the server refuses an unknown access key, presigned or not", async () => {
    const stranger = createBlobStore({
      config: { dataDir: workDir, publicUrl: undefined, s3: { ...S3, accessKeyId: "NOBODY", endpoint: s3Endpoint } },
      signingSecret: SECRET,
      baseUrl: "http://unused.invalid",
    });
    const response = await fetch(await stranger.presignGet("shared/photo 1.txt", 60));
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("InvalidAccessKeyId");
    // The store's own calls surface the refusal as BAD_GATEWAY rather than "not found".
    for (const call of [() => stranger.get("shared/photo 1.txt"), () => stranger.put("x", "y"), () => stranger.list("")]) {
      const error = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe("BAD_GATEWAY");
    }
  });

  test("the server refuses the URL once its expiry has passed", async () => {
    const url = await storeOf("s3").presignGet("shared/photo 1.txt", 1);
    await Bun.sleep(2100);
    const response = await fetch(url);
    expect(response.status).toBe(403);
    expect(await response.text()).toContain("Request has expired");
  });

  test("list follows continuation tokens past one page", async () => {
    const store = storeOf("s3");
    const keys = Array.from({ length: 1005 }, (_, i) => `many/${String(i).padStart(4, "0")}`);
    for (let i = 0; i < keys.length; i += 50) await Promise.all(keys.slice(i, i + 50).map((k) => store.put(k, "")));
    expect(await store.list("many/")).toEqual(keys);
  }, 60_000);
});

describe("loadSigningSecret", () => {
  test("uses the configured secret when there is one", async () => {
    expect(await loadSigningSecret({ signingSecret: SECRET, dataDir: join(workDir, "cfg") })).toBe(SECRET);
    await expect(stat(join(workDir, "cfg", "signing-secret"))).rejects.toThrow();
  });

  test("generates 32 random bytes once, keeps them 0600 and reuses them", async () => {
    const dataDir = join(workDir, "secret-data");
    const [first, racing] = await Promise.all([
      loadSigningSecret({ signingSecret: undefined, dataDir }),
      loadSigningSecret({ signingSecret: undefined, dataDir }),
    ]);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(racing).toBe(first);
    expect((await stat(join(dataDir, "signing-secret"))).mode & 0o777).toBe(0o600);
    expect(await loadSigningSecret({ signingSecret: undefined, dataDir })).toBe(first);
    expect((await readdir(dataDir)).sort()).toEqual(["signing-secret"]);
  });

  test("refuses a truncated secret file instead of signing with it", async () => {
    const dataDir = join(workDir, "short-secret");
    await loadSigningSecret({ signingSecret: undefined, dataDir });
    await writeFile(join(dataDir, "signing-secret"), "short\n");
    await expect(loadSigningSecret({ signingSecret: undefined, dataDir })).rejects.toThrow(/shorter than 32/);
  });
});
