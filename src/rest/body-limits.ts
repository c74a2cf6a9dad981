import type { AnyProcedure, AnyRouter } from "@trpc/server";
import { AppError } from "../platform/errors.ts";
import { AUTHED_BODY_BYTES, type ProcedureMeta, PUBLIC_BODY_BYTES } from "../trpc/meta.ts";

/** How much of a request body a procedure reads, and whether its caller must authenticate first. */
export interface BodyLimit {
  maxBytes: number;
  /** Uploads: an anonymous caller gets 401 before a byte of the body is read. */
  authenticateFirst: boolean;
}

export function bodyLimitOf(meta: ProcedureMeta | undefined): BodyLimit {
  const maxBytes = meta?.maxBodyBytes ?? (meta?.access === "public" ? PUBLIC_BODY_BYTES : AUTHED_BODY_BYTES);
  return { maxBytes, authenticateFirst: maxBytes > AUTHED_BODY_BYTES };
}

/** Each procedure's body limit by tRPC path, computed once at start-up. */
export function bodyLimitsByPath(router: AnyRouter): Map<string, BodyLimit> {
  const limits = new Map<string, BodyLimit>();
  for (const [path, procedure] of Object.entries(router._def.procedures as Record<string, AnyProcedure>)) {
    limits.set(path, bodyLimitOf((procedure._def as { meta?: ProcedureMeta }).meta));
  }
  return limits;
}

/** The largest body any procedure reads: the ceiling under every limit, a batch's included. */
export function largestBodyBytes(limits: ReadonlyMap<string, BodyLimit>): number {
  let largest = bodyLimitOf(undefined).maxBytes;
  for (const limit of limits.values()) largest = Math.max(largest, limit.maxBytes);
  return largest;
}

export function payloadTooLarge(maxBytes: number): AppError {
  return new AppError("PAYLOAD_TOO_LARGE", `Request body is larger than ${maxBytes} bytes`);
}

/**
 * Whether the request carries a body, from its headers alone (no stream is created). A
 * `Content-Length: 0` is no body; a chunked one may be empty, and counts as a body.
 */
export function declaresBody(headers: Headers): boolean {
  const length = headers.get("content-length");
  if (length !== null) return length !== "0";
  return headers.has("transfer-encoding");
}

/**
 * The body as text, refused with 413 past `maxBytes`: by Content-Length before a byte is read,
 * and by counting while reading a body without one (chunked), which is cut off where it passes
 * the limit.
 */
export async function readBodyText(request: Request, maxBytes: number): Promise<string> {
  const length = request.headers.get("content-length");
  if (length !== null) {
    // Bun frames the body by Content-Length: what is read is never longer than declared.
    if (!(Number(length) <= maxBytes)) throw payloadTooLarge(maxBytes);
    return request.text();
  }
  const body = request.body;
  if (!body) return "";
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      void reader.cancel().catch(() => undefined);
      throw payloadTooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

const JSON_MEDIA_TYPE = /^application\/json\s*(?:;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;

/** `application/json`, with no parameter but an optional UTF-8 charset. */
export function isJsonContentType(value: string | null): boolean {
  return value !== null && JSON_MEDIA_TYPE.test(value);
}

export function unsupportedMediaType(value: string | null): AppError {
  return new AppError(
    "UNSUPPORTED_MEDIA_TYPE",
    value ? `Content-Type ${JSON.stringify(value.slice(0, 100))} is not accepted; send application/json` : "A request body needs Content-Type: application/json",
  );
}
