import { and, eq } from "drizzle-orm";
import type { DbOrTx } from "../../../db/connection.ts";
import { paymentCheckoutSessions } from "../../../db/schema/payments.ts";
import type { CompletedCheckout } from "../../../drivers/payments/index.ts";
import { AppError } from "../../platform/errors.ts";
import type { Ledger } from "../../platform/ledger/index.ts";
import type { Logger } from "../../platform/logger.ts";
import { walletAccount } from "./balance.ts";
import { requirePayments, WALLET_CURRENCY, type WalletDeps } from "./deps.ts";
import { paymentsFailure } from "./payments-errors.ts";
import type { TTopup } from "./wallet.types.ts";

/** A Checkout Session for `amountCents` (within TOPUP_MIN_CENTS..TOPUP_MAX_CENTS); the webhook credits it. */
export async function createTopup(deps: WalletDeps, userId: string, amountCents: number): Promise<TTopup> {
  const payments = requirePayments(deps);
  const { topupMinCents, topupMaxCents } = deps.config;
  if (amountCents < topupMinCents || amountCents > topupMaxCents) {
    throw new AppError("BAD_REQUEST", `amount_cents must be between ${topupMinCents} and ${topupMaxCents}`);
  }
  let session;
  try {
    session = await payments.createCheckoutSession({
      amountCents,
      currency: WALLET_CURRENCY,
      clientReferenceId: userId,
      successUrl: `${deps.baseUrl}/?topup=success&session_id={CHECKOUT_SESSION_ID}`,
      cancelUrl: `${deps.baseUrl}/?topup=cancelled`,
      idempotencyKey: `topup:${userId}:${crypto.randomUUID()}`,
      metadata: { user_id: userId, purpose: "wallet_topup" },
    });
  } catch (error) {
    throw paymentsFailure("create the checkout session", error);
  }
  await deps.db.insert(paymentCheckoutSessions).values({ id: session.id, userId, amountCents: BigInt(amountCents), currency: WALLET_CURRENCY }).onConflictDoNothing();
  return { id: session.id, url: session.url };
}

export type CheckoutOutcome = "credited" | "already_credited" | "unpaid" | "unknown_session" | "mismatch";

/**
 * Credits a paid Checkout Session to its user's available balance, at most once whatever the
 * number or order of deliveries: the ledger transfer's key is `topup:<session id>`. The amount is
 * the one this platform asked for; a session it did not create, or whose total differs, is
 * acknowledged and logged, never credited.
 */
export async function creditCheckout(db: DbOrTx, ledger: Ledger, logger: Logger, session: CompletedCheckout): Promise<CheckoutOutcome> {
  const [row] = await db.select().from(paymentCheckoutSessions).where(eq(paymentCheckoutSessions.id, session.id)).limit(1);
  if (!row) {
    logger.warn("checkout session completed that this platform did not create", { session: session.id });
    return "unknown_session";
  }
  if (session.paymentStatus !== "paid") return "unpaid";
  if (session.amountTotal !== Number(row.amountCents) || (session.currency ?? "").toLowerCase() !== row.currency) {
    logger.error("checkout session total differs from the top-up asked for; not credited", {
      session: session.id,
      asked: Number(row.amountCents),
      paid: session.amountTotal,
      currency: session.currency,
    });
    return "mismatch";
  }
  if (row.status === "completed") return "already_credited";
  const transfer = await ledger.transfer(db, {
    idempotencyKey: `topup:${row.id}`,
    debit: { ownerId: null, currency: row.currency, kind: "stripe_clearing" },
    credit: walletAccount(row.userId, "available"),
    amount: row.amountCents,
    reason: "topup",
    reference: row.id,
  });
  await db
    .update(paymentCheckoutSessions)
    .set({ status: "completed", transferId: transfer.id, completedAt: new Date() })
    .where(and(eq(paymentCheckoutSessions.id, row.id), eq(paymentCheckoutSessions.status, "open")));
  return "credited";
}

/** The simulator's checkout page: the session this platform created (any user's: its id is the capability). */
export async function findCheckoutSession(db: DbOrTx, id: string) {
  const [row] = await db.select().from(paymentCheckoutSessions).where(eq(paymentCheckoutSessions.id, id)).limit(1);
  return row;
}
