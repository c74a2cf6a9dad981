import { and, eq, lte, or, sql } from "drizzle-orm";
import type { Db } from "../../../db/connection.ts";
import { idempotencyKeys } from "../../../db/schema/idempotency.ts";

/** Stripe keeps keys at least 24 hours. */
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60 * 1000;
/**
 * How long a first request may hold its key before a retry may take it over (the holder
 * crashed). Longer than any request may run (255 s for device commands), so a slow request is
 * answered 409 to its retries, never run twice.
 */
export const IDEMPOTENCY_IN_FLIGHT_LEASE_MS = 10 * 60 * 1000;
/** Expired rows deleted per write: the sweep rides on writes, a bounded amount each time. */
const PURGE_BATCH = 100;

export interface KeyAddress {
  scope: string;
  route: string;
  key: string;
}

/** What was kept of a finished request: its HTTP status and a JSON body to rebuild it from. */
export interface KeptOutcome {
  status: number;
  body: unknown;
}

export type Claim =
  | { kind: "claimed"; token: string }
  | { kind: "replay"; outcome: KeptOutcome }
  | { kind: "other-parameters" }
  | { kind: "in-flight" };

const now = sql`now()`;
const inMs = (ms: number) => sql`now() + make_interval(secs => ${ms / 1000})`;

/**
 * Takes the key for a request with `requestHash`, or says why not. Times are the database's, so
 * replicas agree. One upsert: a new key is inserted; an expired row, or a crashed holder's row
 * for the same parameters, is taken over; any other existing row is read and reported.
 */
export async function claimKey(db: Db, address: KeyAddress, requestHash: string): Promise<Claim> {
  const token = crypto.randomUUID();
  for (let attempt = 0; attempt < 3; attempt++) {
    const fresh = {
      requestHash,
      state: "in_flight" as const,
      claimToken: token,
      lockedUntil: inMs(IDEMPOTENCY_IN_FLIGHT_LEASE_MS),
      responseStatus: null,
      response: null,
      createdAt: now,
      expiresAt: inMs(IDEMPOTENCY_KEY_TTL_MS),
    };
    const claimed = await db
      .insert(idempotencyKeys)
      .values({ ...address, ...fresh })
      .onConflictDoUpdate({
        target: [idempotencyKeys.scope, idempotencyKeys.route, idempotencyKeys.key],
        set: fresh,
        setWhere: or(
          lte(idempotencyKeys.expiresAt, now),
          and(eq(idempotencyKeys.state, "in_flight"), lte(idempotencyKeys.lockedUntil, now), eq(idempotencyKeys.requestHash, requestHash)),
        ),
      })
      .returning({ token: idempotencyKeys.claimToken });
    if (claimed[0]?.token === token) {
      await purgeExpiredKeys(db);
      return { kind: "claimed", token };
    }
    const [row] = await db.select().from(idempotencyKeys).where(matches(address));
    // Gone between the two statements (purged or released): try the insert again.
    if (!row) continue;
    if (row.requestHash !== requestHash) return { kind: "other-parameters" };
    if (row.state === "in_flight") return { kind: "in-flight" };
    return { kind: "replay", outcome: { status: row.responseStatus ?? 200, body: row.response } };
  }
  return { kind: "in-flight" };
}

/** Keeps the outcome for retries; only the claim's holder can, and only while it holds it. */
export async function keepOutcome(db: Db, address: KeyAddress, token: string, outcome: KeptOutcome): Promise<void> {
  await db
    .update(idempotencyKeys)
    .set({ state: "done", claimToken: null, lockedUntil: null, responseStatus: outcome.status, response: outcome.body })
    .where(and(matches(address), eq(idempotencyKeys.claimToken, token)));
}

/** Gives the key back unused (the outcome is not one to keep): a retry runs the request again. */
export async function releaseKey(db: Db, address: KeyAddress, token: string): Promise<void> {
  await db.delete(idempotencyKeys).where(and(matches(address), eq(idempotencyKeys.claimToken, token)));
}

/** Deletes up to `limit` expired keys, oldest first; returns how many went. */
export async function purgeExpiredKeys(db: Db, limit = PURGE_BATCH): Promise<number> {
  const deleted = await db
    .delete(idempotencyKeys)
    .where(
      sql`ctid = any(array(select ctid from ${idempotencyKeys} where ${idempotencyKeys.expiresAt} <= now() order by ${idempotencyKeys.expiresAt} limit ${limit}))`,
    )
    .returning({ key: idempotencyKeys.key });
  return deleted.length;
}

function matches(address: KeyAddress) {
  return and(eq(idempotencyKeys.scope, address.scope), eq(idempotencyKeys.route, address.route), eq(idempotencyKeys.key, address.key));
}
