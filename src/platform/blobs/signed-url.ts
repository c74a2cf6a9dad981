import { createHmac, timingSafeEqual } from "node:crypto";
import { AppError } from "../errors.ts";
import { assertBlobKey, type BlobStore } from "./types.ts";

/**
 * Platform-signed blob links: `${baseUrl}/blobs/<key>?expires=<unix seconds>&signature=<hex>`,
 * where signature = HMAC-SHA256(secret, "blob-get:v1\n<key>\n<expires>"). The local store hands
 * these out; `handleSignedBlobRequest` serves them (mounted at `GET /blobs/*`).
 */
const ROUTE = "/blobs/";

function signature(secret: string, key: string, expires: number): string {
  return createHmac("sha256", secret).update(`blob-get:v1\n${key}\n${expires}`).digest("hex");
}

export function signBlobUrl(options: { baseUrl: string; key: string; expiresAt: number; secret: string }): string {
  const { key, expiresAt, secret } = options;
  const path = key.split("/").map(encodeURIComponent).join("/");
  const base = options.baseUrl.replace(/\/+$/, "");
  return `${base}${ROUTE}${path}?expires=${expiresAt}&signature=${signature(secret, key, expiresAt)}`;
}

export type SignedBlobCheck = { ok: true; key: string } | { ok: false; status: 400 | 403; error: string };

/** Checks a request URL's key, expiry and signature (constant-time) without touching storage. */
export function verifySignedBlobUrl(url: URL, secret: string, nowSeconds = Math.floor(Date.now() / 1000)): SignedBlobCheck {
  const forbidden = (error: string): SignedBlobCheck => ({ ok: false, status: 403, error });
  // The first "/blobs/" ends any path prefix the public URL carries; later ones belong to the key.
  const at = url.pathname.indexOf(ROUTE);
  if (at < 0) return { ok: false, status: 400, error: "not a blob URL" };
  let key: string;
  try {
    key = url.pathname.slice(at + ROUTE.length).split("/").map(decodeURIComponent).join("/");
  } catch {
    return { ok: false, status: 400, error: "malformed blob path" };
  }
  const expiresText = url.searchParams.get("expires") ?? "";
  const given = url.searchParams.get("signature") ?? "";
  if (!/^\d{1,12}$/.test(expiresText) || !/^[0-9a-f]{64}$/.test(given)) return forbidden("missing or malformed signature");
  const expires = Number(expiresText);
  const expected = Buffer.from(signature(secret, key, expires), "hex");
  if (!timingSafeEqual(expected, Buffer.from(given, "hex"))) return forbidden("invalid signature");
  if (nowSeconds > expires) return forbidden("signature expired");
  return { ok: true, key };
}

function json(status: number, error: string): Response {
  return Response.json({ error }, { status, headers: { "Cache-Control": "no-store" } });
}

export async function handleSignedBlobRequest(request: Request, store: BlobStore, signingSecret: string): Promise<Response> {
  const check = verifySignedBlobUrl(new URL(request.url), signingSecret);
  if (!check.ok) return json(check.status, check.error);
  try {
    assertBlobKey(check.key);
  } catch (error) {
    if (error instanceof AppError) return json(400, error.message);
    throw error;
  }
  const bytes = await store.get(check.key);
  if (!bytes) return json(404, "blob not found");
  // Stores only hand out ArrayBuffer-backed arrays; the type says ArrayBufferLike.
  return new Response(bytes as Uint8Array<ArrayBuffer>, {
    headers: {
      // Bun.file infers the type from the name alone; it does not touch the disk.
      "Content-Type": Bun.file(check.key).type || "application/octet-stream",
      "Content-Length": String(bytes.byteLength),
      "Cache-Control": "private, no-store",
      // Blobs are user content served from the platform's origin: never let them run as a page.
      "Content-Security-Policy": "default-src 'none'; sandbox",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
