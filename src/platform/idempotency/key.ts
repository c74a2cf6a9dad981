import { AppError } from "../errors.ts";

/** The request header, as Stripe names it; a replayed answer carries IDEMPOTENT_REPLAYED_HEADER: true. */
export const IDEMPOTENCY_KEY_HEADER = "idempotency-key";
export const IDEMPOTENT_REPLAYED_HEADER = "idempotent-replayed";

/** Stripe's bound. */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/** A key is 1 to 255 visible ASCII characters (a V4 UUID, say); anything else is the caller's 400. */
export function checkIdempotencyKey(key: string): string {
  if (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw new AppError("BAD_REQUEST", `Idempotency-Key must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters long`);
  }
  if (!/^[\x21-\x7e]+$/.test(key)) {
    throw new AppError("BAD_REQUEST", "Idempotency-Key must be visible ASCII characters without spaces");
  }
  return key;
}
