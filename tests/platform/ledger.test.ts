import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { sql } from "drizzle-orm";
import type { Db } from "../../db/connection.ts";
import { AppError } from "../../src/platform/errors.ts";
import { newId } from "../../src/platform/ids.ts";
import { createLedger, type LedgerAccountRef } from "../../src/platform/ledger/index.ts";
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from "../support/database.ts";

let database: TestDatabase;
let db: Db;
const ledger = createLedger();

beforeAll(async () => {
  database = await createTestDatabase();
  db = database.handle.db;
});

afterAll(async () => {
  await database.drop();
});

const clearing: LedgerAccountRef = { ownerId: null, currency: "usd", kind: "stripe_clearing" };
const fees: LedgerAccountRef = { ownerId: null, currency: "usd", kind: "fees" };
const available = (ownerId: string): LedgerAccountRef => ({ ownerId, currency: "usd", kind: "available" });
const escrow = (ownerId: string): LedgerAccountRef => ({ ownerId, currency: "usd", kind: "escrow" });
const earnings = (ownerId: string): LedgerAccountRef => ({ ownerId, currency: "usd", kind: "earnings" });

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error("expected the ledger call to fail");
}

async function topUp(ownerId: string, amount: bigint): Promise<void> {
  await ledger.transfer(db, { idempotencyKey: `topup:${newId("cs")}`, debit: clearing, credit: available(ownerId), amount, reason: "topup" });
}

/** Every account row's posted balances sum to zero per currency, and pending debits match pending credits. */
async function expectBalancedBooks(): Promise<void> {
  const rows = await db.execute(sql`select currency, sum(posted)::text as posted, sum(pending_debits)::text as pd, sum(pending_credits)::text as pc,
      count(*) filter (where no_overdraft and posted - pending_debits < 0)::int as overdrawn
    from ledger_accounts group by currency`);
  const list = (Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows) as Array<{ posted: string; pd: string; pc: string; overdrawn: number }>;
  for (const row of list) {
    expect(row.posted).toBe("0");
    expect(row.pd).toBe(row.pc);
    expect(Number(row.overdrawn)).toBe(0);
  }
}

describe("transfers", () => {
  test("move money between accounts created on first use; balances follow in the same statement", async () => {
    const user = newId("usr");
    expect(await ledger.balance(db, available(user))).toEqual({ posted: 0n, pendingDebits: 0n, pendingCredits: 0n });
    const transfer = await ledger.transfer(db, { idempotencyKey: `t:${user}`, debit: clearing, credit: available(user), amount: 1500n, reason: "topup", reference: "cs_1" });
    expect(transfer).toMatchObject({ amount: 1500n, status: "posted", reason: "topup", reference: "cs_1", pendingId: null });
    expect(transfer.createdAt).toBeInstanceOf(Date);
    expect((await ledger.balance(db, available(user))).posted).toBe(1500n);
    await expectBalancedBooks();
  });

  test("an overdraft is refused with 402, the shortfall named, and nothing recorded", async () => {
    const user = newId("usr");
    await topUp(user, 100n);
    const error = await rejection(ledger.transfer(db, { idempotencyKey: `over:${user}`, debit: available(user), credit: fees, amount: 250n, reason: "job.fee" }));
    expect(error.code).toBe("PAYMENT_REQUIRED");
    expect(error.details?.shortfall_cents).toBe("150");
    expect((await ledger.balance(db, available(user))).posted).toBe(100n);
    // The key was not consumed: a later attempt with enough money goes through.
    await topUp(user, 200n);
    const ok = await ledger.transfer(db, { idempotencyKey: `over:${user}`, debit: available(user), credit: fees, amount: 250n, reason: "job.fee" });
    expect(ok.status).toBe("posted");
    expect((await ledger.balance(db, available(user))).posted).toBe(50n);
  });

  test("an account never used cannot be debited", async () => {
    const error = await rejection(ledger.transfer(db, { idempotencyKey: newId("k"), debit: earnings(newId("usr")), credit: fees, amount: 1n, reason: "x" }));
    expect(error.code).toBe("PAYMENT_REQUIRED");
  });

  test("the same key with the same fields returns the stored transfer; with other fields it is a conflict", async () => {
    const user = newId("usr");
    const input = { idempotencyKey: `same:${user}`, debit: clearing, credit: available(user), amount: 700n, reason: "topup" };
    const first = await ledger.transfer(db, input);
    const again = await ledger.transfer(db, input);
    expect(again.id).toBe(first.id);
    expect((await ledger.balance(db, available(user))).posted).toBe(700n);
    expect((await rejection(ledger.transfer(db, { ...input, amount: 701n }))).code).toBe("CONFLICT");
    expect((await rejection(ledger.transfer(db, { ...input, pending: true }))).code).toBe("CONFLICT");
  });

  test("bad input is refused before any write", async () => {
    const user = newId("usr");
    const base = { idempotencyKey: newId("k"), debit: clearing, credit: available(user), reason: "x" };
    expect((await rejection(ledger.transfer(db, { ...base, amount: 0n }))).code).toBe("BAD_REQUEST");
    expect((await rejection(ledger.transfer(db, { ...base, amount: -5n }))).code).toBe("BAD_REQUEST");
    expect((await rejection(ledger.transfer(db, { ...base, amount: 2n ** 63n }))).code).toBe("BAD_REQUEST");
    expect((await rejection(ledger.transfer(db, { ...base, amount: 1n, credit: clearing }))).code).toBe("BAD_REQUEST");
    expect((await rejection(ledger.transfer(db, { ...base, amount: 1n, credit: { ...available(user), currency: "eur" } }))).code).toBe("BAD_REQUEST");
  });
});

describe("two-phase transfers", () => {
  test("pending reserves, post moves (all or part), void releases; each only once", async () => {
    const poster = newId("usr");
    await topUp(poster, 1000n);
    const hold = await ledger.transfer(db, { idempotencyKey: `job:${poster}:escrow`, debit: available(poster), credit: escrow(poster), amount: 600n, reason: "job.escrow", pending: true });
    expect(hold.status).toBe("pending");
    expect(await ledger.balance(db, available(poster))).toEqual({ posted: 1000n, pendingDebits: 600n, pendingCredits: 0n });
    // Reserved money cannot be spent twice.
    expect((await rejection(ledger.transfer(db, { idempotencyKey: newId("k"), debit: available(poster), credit: fees, amount: 401n, reason: "x" }))).code).toBe("PAYMENT_REQUIRED");

    const posted = await ledger.post(db, { idempotencyKey: `job:${poster}:escrow-post`, pendingId: hold.id });
    expect(posted).toMatchObject({ status: "posted", pendingId: hold.id, amount: 600n });
    expect(await ledger.balance(db, available(poster))).toEqual({ posted: 400n, pendingDebits: 0n, pendingCredits: 0n });
    expect(await ledger.balance(db, escrow(poster))).toEqual({ posted: 600n, pendingDebits: 0n, pendingCredits: 0n });
    // Replaying the post returns it; voiding after the post is a conflict.
    expect((await ledger.post(db, { idempotencyKey: `job:${poster}:escrow-post`, pendingId: hold.id })).id).toBe(posted.id);
    expect((await rejection(ledger.void(db, { idempotencyKey: `job:${poster}:escrow-void`, pendingId: hold.id }))).code).toBe("CONFLICT");
    // Replaying the original pending transfer still returns it (it is the same transfer, now posted).
    const replay = await ledger.transfer(db, { idempotencyKey: `job:${poster}:escrow`, debit: available(poster), credit: escrow(poster), amount: 600n, reason: "job.escrow", pending: true });
    expect(replay).toMatchObject({ id: hold.id, status: "posted" });

    const second = await ledger.transfer(db, { idempotencyKey: newId("k"), debit: available(poster), credit: escrow(poster), amount: 300n, reason: "job.escrow", pending: true });
    const voided = await ledger.void(db, { idempotencyKey: `void:${second.id}`, pendingId: second.id });
    expect(voided.status).toBe("voided");
    expect(await ledger.balance(db, available(poster))).toEqual({ posted: 400n, pendingDebits: 0n, pendingCredits: 0n });
    expect((await ledger.void(db, { idempotencyKey: `void:${second.id}`, pendingId: second.id })).id).toBe(voided.id);
    expect((await rejection(ledger.post(db, { idempotencyKey: newId("k"), pendingId: second.id }))).code).toBe("CONFLICT");

    const third = await ledger.transfer(db, { idempotencyKey: newId("k"), debit: available(poster), credit: escrow(poster), amount: 300n, reason: "job.escrow", pending: true });
    expect((await rejection(ledger.post(db, { idempotencyKey: newId("k"), pendingId: third.id, amount: 301n }))).code).toBe("BAD_REQUEST");
    await ledger.post(db, { idempotencyKey: newId("k"), pendingId: third.id, amount: 100n });
    expect(await ledger.balance(db, available(poster))).toEqual({ posted: 300n, pendingDebits: 0n, pendingCredits: 0n });
    expect((await ledger.balance(db, escrow(poster))).posted).toBe(700n);
    expect((await rejection(ledger.post(db, { idempotencyKey: newId("k"), pendingId: "tfr_missing" }))).code).toBe("NOT_FOUND");
    await expectBalancedBooks();
  });

  test("inside a caller's transaction: a refused transfer undoes only itself, and the caller's rollback undoes the ledger's writes", async () => {
    const poster = newId("usr");
    const worker = newId("usr");
    await topUp(poster, 1000n);
    const hold = await ledger.transfer(db, { idempotencyKey: newId("k"), debit: available(poster), credit: escrow(poster), amount: 1000n, reason: "job.escrow", pending: true });
    await db.transaction(async (tx) => {
      await ledger.post(tx, { idempotencyKey: `post:${hold.id}`, pendingId: hold.id });
      expect((await rejection(ledger.transfer(tx, { idempotencyKey: newId("k"), debit: escrow(poster), credit: earnings(worker), amount: 5000n, reason: "job.payout" }))).code).toBe("PAYMENT_REQUIRED");
      // The transaction is still usable after the refusal.
      await ledger.transfer(tx, { idempotencyKey: `payout:${hold.id}`, debit: escrow(poster), credit: earnings(worker), amount: 900n, reason: "job.payout" });
      await ledger.transfer(tx, { idempotencyKey: `fee:${hold.id}`, debit: escrow(poster), credit: fees, amount: 100n, reason: "job.fee" });
    });
    expect((await ledger.balance(db, earnings(worker))).posted).toBe(900n);
    expect((await ledger.balance(db, escrow(poster))).posted).toBe(0n);

    const other = newId("usr");
    await expect(
      db.transaction(async (tx) => {
        await ledger.transfer(tx, { idempotencyKey: `rolled:${other}`, debit: clearing, credit: available(other), amount: 10n, reason: "topup" });
        throw new Error("caller gives up");
      }),
    ).rejects.toThrow("caller gives up");
    expect((await ledger.balance(db, available(other))).posted).toBe(0n);
    await expectBalancedBooks();
  });
});

describe("entries", () => {
  test("an owner's entries across accounts, newest first, cursor-paged without repeats", async () => {
    const user = newId("usr");
    for (let i = 1; i <= 7; i++) await topUp(user, BigInt(i));
    await ledger.transfer(db, { idempotencyKey: newId("k"), debit: available(user), credit: escrow(user), amount: 3n, reason: "job.escrow", pending: true });
    const seen: string[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await ledger.entries(db, { ownerId: user, currency: "usd", limit: 3, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((item) => item.id));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    // 7 top-ups (one credit each) + the escrow's two sides.
    expect(seen.length).toBe(9);
    expect(new Set(seen).size).toBe(9);
    const first = await ledger.entries(db, { ownerId: user, currency: "usd", limit: 2 });
    expect(first.items[0]?.reason).toBe("job.escrow");
    expect(first.items.map((item) => item.direction).sort()).toEqual(["credit", "debit"]);
    expect((await ledger.entries(db, { ownerId: newId("usr"), currency: "usd", limit: 5 })).items).toEqual([]);
    expect((await rejection(ledger.entries(db, { ownerId: user, currency: "usd", limit: 5, cursor: "garbage!" }))).code).toBe("VALIDATION");
  });
});

describe("concurrency", () => {
  // 1,000 concurrent operations on one wallet; on PostgreSQL over two connection pools, so they really race.
  const operations = 1000;

  test(`${operations} concurrent top-ups, escrows, payouts, withdrawals and replays leave balanced books and apply each key once`, async () => {
    const second = testDatabaseUrl ? (await database.connectAgain()).db : db;
    const user = newId("usr");
    const worker = newId("usr");
    await topUp(user, 5_000n);
    await ledger.transfer(db, { idempotencyKey: newId("k"), debit: clearing, credit: earnings(worker), amount: 3_000n, reason: "seed" });
    const keys: string[] = [];
    const run = async (i: number): Promise<string> => {
      const handle = i % 2 === 0 ? db : second;
      const key = `race:${user}:${i % 900}`; // 100 keys are used twice, at the same time
      keys.push(key);
      try {
        switch (i % 900 % 5) {
          case 0:
            await ledger.transfer(handle, { idempotencyKey: key, debit: clearing, credit: available(user), amount: 10n, reason: "topup" });
            return "topup";
          case 1:
          case 2: {
            const hold = await ledger.transfer(handle, { idempotencyKey: key, debit: available(user), credit: escrow(user), amount: 40n, reason: "job.escrow", pending: true });
            if (i % 2 === 0) await ledger.post(handle, { idempotencyKey: `${key}:post`, pendingId: hold.id });
            else await ledger.void(handle, { idempotencyKey: `${key}:void`, pendingId: hold.id });
            return "escrow";
          }
          case 3:
            await ledger.transfer(handle, { idempotencyKey: key, debit: available(user), credit: earnings(worker), amount: 25n, reason: "job.payout" });
            return "payout";
          default: {
            const hold = await ledger.transfer(handle, { idempotencyKey: key, debit: earnings(worker), credit: { ownerId: worker, currency: "usd", kind: "pending_withdrawal" }, amount: 30n, reason: "withdraw", pending: true });
            await ledger.post(handle, { idempotencyKey: `${key}:post`, pendingId: hold.id });
            return "withdraw";
          }
        }
      } catch (error) {
        if (error instanceof AppError && (error.code === "PAYMENT_REQUIRED" || error.code === "CONFLICT")) return error.code;
        throw error;
      }
    };
    const outcomes = await Promise.all(Array.from({ length: operations }, (_, i) => run(i)));
    // Money really moved in every way, and some spending really was refused.
    for (const kind of ["topup", "escrow", "payout", "withdraw"]) expect(outcomes.filter((o) => o === kind).length).toBeGreaterThan(20);
    await expectBalancedBooks();
    // No key recorded twice (the unique index guarantees it; the count proves nothing was lost either).
    const counted = await db.execute(sql`select count(*)::int as n, count(distinct idempotency_key)::int as d from ledger_transfers where idempotency_key like ${`race:${user}:%`}`);
    const [row] = (Array.isArray(counted) ? counted : (counted as { rows: unknown[] }).rows) as Array<{ n: number; d: number }>;
    expect(Number(row?.n)).toBe(Number(row?.d));
    // The wallet's balance is exactly what its recorded transfers say.
    const user$ = await ledger.balance(db, available(user));
    const sums = await db.execute(sql`select
        coalesce(sum(case when credit_account_id = ${`${user}/usd/available`} and status = 'posted' and pending_id is null then amount else 0 end), 0)::text as credits,
        coalesce(sum(case when debit_account_id = ${`${user}/usd/available`} and status = 'posted' and pending_id is null then amount else 0 end), 0)::text as debits
      from ledger_transfers`);
    const [sum] = (Array.isArray(sums) ? sums : (sums as { rows: unknown[] }).rows) as Array<{ credits: string; debits: string }>;
    expect(user$.posted).toBe(BigInt(sum?.credits ?? "0") - BigInt(sum?.debits ?? "0"));
    expect(user$.pendingDebits).toBe(0n);
    expect(user$.posted >= 0n).toBe(true);
  }, 120_000);
});
