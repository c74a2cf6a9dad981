import { and, eq } from "drizzle-orm";
import { paymentWithdrawals, type PaymentWithdrawalRow } from "../../../db/schema/payments.ts";
import { PaymentsError } from "../../../drivers/payments/index.ts";
import { AppError } from "../../platform/errors.ts";
import { ID_PREFIX, newId } from "../../platform/ids.ts";
import { walletAccount } from "./balance.ts";
import { payoutAccount } from "./connect.ts";
import { centsNumber, requirePayments, WALLET_CURRENCY, type WalletDeps } from "./deps.ts";
import type { TWithdrawal } from "./wallet.types.ts";

/** The durable queue that finishes a withdrawal whose Stripe transfer had no definite answer (or whose process died). */
export const WITHDRAW_QUEUE = "wallet.withdraw";
export const WITHDRAW_MAX_ATTEMPTS = 20;
export interface WithdrawJob {
  withdrawalId: string;
}

function render(row: PaymentWithdrawalRow): TWithdrawal {
  return {
    id: row.id,
    amount_cents: centsNumber(row.amountCents),
    currency: row.currency,
    status: row.status,
    stripe_transfer_id: row.stripeTransferId,
    failure: row.failure,
    created_at: row.createdAt,
  };
}

async function withdrawalById(deps: Pick<WalletDeps, "db">, id: string): Promise<PaymentWithdrawalRow> {
  const [row] = await deps.db.select().from(paymentWithdrawals).where(eq(paymentWithdrawals.id, id)).limit(1);
  if (!row) throw new AppError("NOT_FOUND", `withdrawal ${id} not found`);
  return row;
}

/**
 * Moves `amountCents` of withdrawable earnings to the caller's connected account: a pending ledger
 * transfer earnings → pending_withdrawal, the withdrawal row and its queued retry job in one
 * transaction; then the Stripe transfer, whose outcome posts or voids the reservation. Without a
 * definite answer from Stripe the withdrawal stays `pending` and the job retries it with the same
 * Stripe idempotency key, so a timeout can neither lose the money nor pay it twice.
 */
export async function withdraw(deps: WalletDeps, userId: string, amountCents: number): Promise<TWithdrawal> {
  requirePayments(deps);
  const account = await payoutAccount(deps, userId);
  if (!account.ready) throw new AppError("BAD_REQUEST", account.reason);
  const id = newId(ID_PREFIX.withdrawal);
  await deps.db.transaction(async (tx) => {
    let reservation;
    try {
      reservation = await deps.ledger.transfer(tx, {
        idempotencyKey: `withdraw:${id}`,
        debit: walletAccount(userId, "earnings"),
        credit: walletAccount(userId, "pending_withdrawal"),
        amount: BigInt(amountCents),
        reason: "withdraw",
        reference: id,
        pending: true,
      });
    } catch (error) {
      if (error instanceof AppError && error.code === "PAYMENT_REQUIRED") {
        throw new AppError("PAYMENT_REQUIRED", `Insufficient withdrawable earnings: ${error.message}`, error.details);
      }
      throw error;
    }
    await tx.insert(paymentWithdrawals).values({
      id,
      userId,
      amountCents: BigInt(amountCents),
      currency: WALLET_CURRENCY,
      destination: account.accountId,
      pendingTransferId: reservation.id,
    });
    // Due after the inline attempt below has had its time; it finds the withdrawal settled and does nothing.
    await deps.queue.enqueue<WithdrawJob>(
      { queue: WITHDRAW_QUEUE, key: id, payload: { withdrawalId: id }, maxAttempts: WITHDRAW_MAX_ATTEMPTS, runAt: new Date(Date.now() + 2 * deps.config.timeoutMs) },
      tx,
    );
  });
  try {
    return render(await settleWithdrawal(deps, id));
  } catch (error) {
    if (!(error instanceof PaymentsError)) throw error;
    deps.logger.warn("withdrawal transfer has no definite outcome yet; its job will retry", { withdrawal: id, error: error.message });
    return render(await withdrawalById(deps, id));
  }
}

/**
 * Settles a pending withdrawal from the Stripe transfer's outcome (idempotent: a settled one is
 * returned as is; every ledger step has its own key). Throws PaymentsError when Stripe gave no
 * definite answer, leaving the withdrawal pending for a retry.
 */
export async function settleWithdrawal(deps: WalletDeps, id: string): Promise<PaymentWithdrawalRow> {
  const row = await withdrawalById(deps, id);
  if (row.status !== "pending") return row;
  const payments = requirePayments(deps);
  let transferId: string;
  try {
    const transfer = await payments.createTransfer({
      amountCents: centsNumber(row.amountCents),
      currency: row.currency,
      destination: row.destination,
      idempotencyKey: `withdraw:${row.id}`,
      metadata: { withdrawal_id: row.id, user_id: row.userId },
    });
    transferId = transfer.id;
  } catch (error) {
    if (!(error instanceof PaymentsError) || error.outcome !== "refused") throw error;
    await deps.db.transaction(async (tx) => {
      await deps.ledger.void(tx, { idempotencyKey: `withdraw:${row.id}:void`, pendingId: row.pendingTransferId });
      await tx
        .update(paymentWithdrawals)
        .set({ status: "voided", failure: error.message, updatedAt: new Date() })
        .where(and(eq(paymentWithdrawals.id, row.id), eq(paymentWithdrawals.status, "pending")));
    });
    return withdrawalById(deps, id);
  }
  await deps.db.transaction(async (tx) => {
    await deps.ledger.post(tx, { idempotencyKey: `withdraw:${row.id}:post`, pendingId: row.pendingTransferId });
    // Paid out: the money leaves the platform's books through the Stripe clearing account.
    await deps.ledger.transfer(tx, {
      idempotencyKey: `withdraw:${row.id}:paid`,
      debit: walletAccount(row.userId, "pending_withdrawal"),
      credit: { ownerId: null, currency: row.currency, kind: "stripe_clearing" },
      amount: row.amountCents,
      reason: "withdraw.paid",
      reference: transferId,
    });
    await tx
      .update(paymentWithdrawals)
      .set({ status: "posted", stripeTransferId: transferId, updatedAt: new Date() })
      .where(and(eq(paymentWithdrawals.id, row.id), eq(paymentWithdrawals.status, "pending")));
  });
  return withdrawalById(deps, id);
}
