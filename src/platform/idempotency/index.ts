/** The Idempotency-Key store (Stripe's semantics), for REST routes and tRPC callers alike. */
export { fingerprintOf } from "./fingerprint.ts";
export { checkIdempotencyKey, IDEMPOTENCY_KEY_HEADER, IDEMPOTENT_REPLAYED_HEADER, MAX_IDEMPOTENCY_KEY_LENGTH } from "./key.ts";
export { runIdempotent, type Execution, type IdempotentRequest, type IdempotentResult } from "./run.ts";
export { IDEMPOTENCY_IN_FLIGHT_LEASE_MS, IDEMPOTENCY_KEY_TTL_MS, purgeExpiredKeys, type KeptOutcome } from "./store.ts";
