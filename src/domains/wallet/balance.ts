import type { DbOrTx } from "../../../db/connection.ts";
import { encodeCursor, type CursorPosition } from "../../platform/paging/index.ts";
import type { Ledger, LedgerAccountKind, LedgerAccountRef } from "../../platform/ledger/index.ts";
import { centsNumber, WALLET_CURRENCY } from "./deps.ts";
import type { TBalance } from "./wallet.types.ts";

export const walletAccount = (userId: string, kind: LedgerAccountKind): LedgerAccountRef => ({ ownerId: userId, currency: WALLET_CURRENCY, kind });

/**
 * The caller's wallet: available = top-ups not spent or reserved; held = escrow plus payments
 * still pending; withdrawable = earnings minus withdrawals in flight; and the newest entries.
 */
export async function getBalance(deps: { db: DbOrTx; ledger: Ledger }, userId: string, page: { limit: number; cursor?: CursorPosition | undefined }): Promise<TBalance> {
  const { db, ledger } = deps;
  const [available, escrow, earnings, entries] = await Promise.all([
    ledger.balance(db, walletAccount(userId, "available")),
    ledger.balance(db, walletAccount(userId, "escrow")),
    ledger.balance(db, walletAccount(userId, "earnings")),
    ledger.entries(db, { ownerId: userId, currency: WALLET_CURRENCY, limit: page.limit, ...(page.cursor ? { cursor: encodeCursor(page.cursor) } : {}) }),
  ]);
  return {
    currency: WALLET_CURRENCY,
    available_cents: centsNumber(available.posted - available.pendingDebits),
    held_cents: centsNumber(escrow.posted + available.pendingDebits),
    withdrawable_cents: centsNumber(earnings.posted - earnings.pendingDebits),
    ledger: entries.items.map((entry) => ({
      id: entry.id,
      transfer_id: entry.transferId,
      type: entry.reason,
      account: entry.account,
      direction: entry.direction,
      amount_cents: centsNumber(entry.amount),
      status: entry.status,
      reference: entry.reference,
      created_at: entry.createdAt,
    })),
    next_cursor: entries.nextCursor,
  };
}
