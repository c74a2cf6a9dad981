import type { DbOrTx } from "../../../db/connection.ts";
import type { MarketJobRow } from "../../../db/schema/index.ts";
import { AppError } from "../../platform/errors.ts";
import type { Ledger, LedgerAccountRef } from "../../platform/ledger/index.ts";

/**
 * The job's money, through the platform ledger (ledger-api: every call idempotent by its key, so
 * a step retried after a crash never moves a cent twice):
 * - pay: a PENDING transfer poster.available → poster.escrow, key `job:<id>:escrow`;
 * - cancel, or the last attempt failed, or the deadline missed: void it, key `job:<id>:escrow-void`;
 * - verified: post it (`job:<id>:escrow-post`), then poster.escrow → worker.earnings, price − fee
 *   (`job:<id>:payout`), and poster.escrow → platform fees, the fee (`job:<id>:fee`); all in the
 *   caller's one transaction.
 */
export const MARKET_CURRENCY = "usd";

const account = (ownerId: string | null, currency: string, kind: LedgerAccountRef["kind"]): LedgerAccountRef => ({ ownerId, currency, kind });

/** The fee on a price, rounded down to the cent. */
export function feeFor(priceCents: bigint, feeBps: number): bigint {
  return (priceCents * BigInt(feeBps)) / 10_000n;
}

/** Reserves the price in escrow. 402 with the shortfall when the poster's available balance is short. */
export async function escrowJob(db: DbOrTx, ledger: Ledger, job: MarketJobRow) {
  const from = account(job.posterId, job.currency, "available");
  try {
    return await ledger.transfer(db, {
      idempotencyKey: `job:${job.id}:escrow`,
      debit: from,
      credit: account(job.posterId, job.currency, "escrow"),
      amount: job.priceCents,
      reason: "job.escrow",
      reference: job.id,
      pending: true,
    });
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== "PAYMENT_REQUIRED") throw error;
    const balance = await ledger.balance(db, from);
    const available = balance.posted - balance.pendingDebits;
    const shortfall = job.priceCents - (available > 0n ? available : 0n);
    throw new AppError("PAYMENT_REQUIRED", `Insufficient balance: the job costs ${job.priceCents} cents, ${available > 0n ? available : 0n} are available; top up ${shortfall} cents more`, {
      shortfall_cents: shortfall.toString(),
    });
  }
}

/** Gives the escrow back to the poster (a no-op for a job never paid). */
export async function refundJob(db: DbOrTx, ledger: Ledger, job: MarketJobRow): Promise<void> {
  if (!job.escrowTransferId) return;
  await ledger.void(db, { idempotencyKey: `job:${job.id}:escrow-void`, pendingId: job.escrowTransferId });
}

/** Posts the escrow and pays the worker the price minus the fee, the fee to the platform. */
export async function payOutJob(db: DbOrTx, ledger: Ledger, job: MarketJobRow & { workerUserId: string }): Promise<void> {
  if (!job.escrowTransferId) throw new Error(`job ${job.id} has no escrow to pay out`);
  await ledger.post(db, { idempotencyKey: `job:${job.id}:escrow-post`, pendingId: job.escrowTransferId });
  const escrow = account(job.posterId, job.currency, "escrow");
  const payout = job.priceCents - job.feeCents;
  if (payout > 0n) {
    await ledger.transfer(db, {
      idempotencyKey: `job:${job.id}:payout`,
      debit: escrow,
      credit: account(job.workerUserId, job.currency, "earnings"),
      amount: payout,
      reason: "job.payout",
      reference: job.id,
    });
  }
  if (job.feeCents > 0n) {
    await ledger.transfer(db, {
      idempotencyKey: `job:${job.id}:fee`,
      debit: escrow,
      credit: account(null, job.currency, "fees"),
      amount: job.feeCents,
      reason: "job.fee",
      reference: job.id,
    });
  }
}
