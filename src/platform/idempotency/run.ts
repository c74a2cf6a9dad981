import type { Db } from "../../../db/connection.ts";
import { AppError } from "../errors.ts";
import { checkIdempotencyKey } from "./key.ts";
import { claimKey, keepOutcome, releaseKey, type KeptOutcome, type KeyAddress } from "./store.ts";

export interface IdempotentRequest {
  db: Db;
  /** Whose key (the principal's user id). */
  scope: string;
  /** Which operation (the procedure path). */
  route: string;
  /** The caller's Idempotency-Key, unchecked. */
  key: string;
  /** fingerprintOf(the request's parameters). */
  fingerprint: string;
}

/** What running the request gave: the value to hand back now, and what to keep (null: keep nothing). */
export interface Execution<R> {
  value: R;
  keep: KeptOutcome | null;
}

export type IdempotentResult<R> = { replayed: false; value: R } | { replayed: true; outcome: KeptOutcome };

/**
 * Runs `execute` at most once per key, as Stripe does: the first request with a key runs and its
 * outcome is kept for 24 hours; a retry with the same parameters gets the kept outcome back; with
 * other parameters, a 400; while the first still runs, a 409. An outcome `execute` chooses not to
 * keep (a server error, say), or an exception, gives the key back, so a retry runs again.
 */
export async function runIdempotent<R>(request: IdempotentRequest, execute: () => Promise<Execution<R>>): Promise<IdempotentResult<R>> {
  const address: KeyAddress = { scope: request.scope, route: request.route, key: checkIdempotencyKey(request.key) };
  const claim = await claimKey(request.db, address, request.fingerprint);
  if (claim.kind === "other-parameters") {
    throw new AppError("BAD_REQUEST", "Keys for idempotent requests can only be used with the same parameters they were first used with");
  }
  if (claim.kind === "in-flight") {
    throw new AppError("CONFLICT", "Another request with this Idempotency-Key is still in progress; retry once it has finished");
  }
  if (claim.kind === "replay") return { replayed: true, outcome: claim.outcome };
  let execution: Execution<R>;
  try {
    execution = await execute();
  } catch (error) {
    await releaseKey(request.db, address, claim.token);
    throw error;
  }
  if (execution.keep) await keepOutcome(request.db, address, claim.token, execution.keep);
  else await releaseKey(request.db, address, claim.token);
  return { replayed: false, value: execution.value };
}
