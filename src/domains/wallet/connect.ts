import { and, eq, lte } from "drizzle-orm";
import type { DbOrTx } from "../../../db/connection.ts";
import { paymentConnectAccounts, type PaymentConnectAccountRow } from "../../../db/schema/payments.ts";
import type { ConnectAccountState } from "../../../drivers/payments/index.ts";
import { requirePayments, type WalletDeps } from "./deps.ts";
import { paymentsFailure } from "./payments-errors.ts";
import type { TConnectLink, TConnectStatus } from "./wallet.types.ts";

async function accountOf(db: DbOrTx, userId: string): Promise<PaymentConnectAccountRow | undefined> {
  const [row] = await db.select().from(paymentConnectAccounts).where(eq(paymentConnectAccounts.userId, userId)).limit(1);
  return row;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/**
 * Records a connected account's state as Stripe reported it at `asOf` (seconds): an older report
 * (a late `account.updated`) never overwrites a newer one.
 */
export async function applyAccountState(db: DbOrTx, state: ConnectAccountState, asOf: number): Promise<void> {
  await db
    .update(paymentConnectAccounts)
    .set({ detailsSubmitted: state.detailsSubmitted, chargesEnabled: state.chargesEnabled, payoutsEnabled: state.payoutsEnabled, stateAsOf: asOf, updatedAt: new Date() })
    .where(and(eq(paymentConnectAccounts.accountId, state.id), lte(paymentConnectAccounts.stateAsOf, asOf)));
}

/** Creates the caller's Express account on first call, reuses it after, and returns a fresh onboarding link. */
export async function startConnect(deps: WalletDeps, userId: string): Promise<TConnectLink> {
  const payments = requirePayments(deps);
  try {
    let row = await accountOf(deps.db, userId);
    if (!row) {
      // The same Stripe idempotency key for every attempt of this user: concurrent or retried calls get one account.
      const account = await payments.createConnectAccount({ country: deps.config.connectCountry, idempotencyKey: `connect:${userId}`, metadata: { user_id: userId } });
      await deps.db
        .insert(paymentConnectAccounts)
        .values({ userId, accountId: account.id, detailsSubmitted: account.detailsSubmitted, chargesEnabled: account.chargesEnabled, payoutsEnabled: account.payoutsEnabled, stateAsOf: nowSeconds() })
        .onConflictDoNothing();
      row = await accountOf(deps.db, userId);
      if (!row) throw new Error("connect account row vanished");
    }
    const link = await payments.createAccountLink({
      accountId: row.accountId,
      refreshUrl: `${deps.baseUrl}/?stripe_connect=refresh`,
      returnUrl: `${deps.baseUrl}/?stripe_connect=return`,
    });
    return { account_id: row.accountId, url: link.url, expires_at: link.expiresAt };
  } catch (error) {
    throw paymentsFailure("start Connect onboarding", error);
  }
}

function statusOf(row: PaymentConnectAccountRow | undefined): TConnectStatus {
  if (!row) return { connected: false, account_id: null, details_submitted: false, charges_enabled: false, payouts_enabled: false };
  return { connected: true, account_id: row.accountId, details_submitted: row.detailsSubmitted, charges_enabled: row.chargesEnabled, payouts_enabled: row.payoutsEnabled };
}

/** The caller's Connect status, refreshed from Stripe (and kept for withdrawals). */
export async function connectStatus(deps: WalletDeps, userId: string): Promise<TConnectStatus> {
  const payments = requirePayments(deps);
  const row = await accountOf(deps.db, userId);
  if (!row) return statusOf(undefined);
  try {
    await applyAccountState(deps.db, await payments.retrieveAccount(row.accountId), nowSeconds());
  } catch (error) {
    throw paymentsFailure("report the account's status", error);
  }
  return statusOf(await accountOf(deps.db, userId));
}

/** The account withdrawals go to, when onboarding is complete (refreshed from Stripe once if it looked incomplete). */
export async function payoutAccount(deps: WalletDeps, userId: string): Promise<{ ready: true; accountId: string } | { ready: false; reason: string }> {
  let row = await accountOf(deps.db, userId);
  if (!row) return { ready: false, reason: "No Stripe Connect account yet: start onboarding with POST /api/stripe/connect" };
  if (!(row.detailsSubmitted && row.payoutsEnabled)) {
    const status = await connectStatus(deps, userId);
    row = { ...row, detailsSubmitted: status.details_submitted, payoutsEnabled: status.payouts_enabled };
  }
  if (!(row.detailsSubmitted && row.payoutsEnabled)) {
    return { ready: false, reason: "Stripe Connect onboarding is incomplete (details_submitted and payouts_enabled must both be true): finish it at the link POST /api/stripe/connect returns" };
  }
  return { ready: true, accountId: row.accountId };
}
