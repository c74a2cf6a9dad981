import type { DbOrTx } from "../../../db/connection.ts";
import type { LedgerTransferStatus } from "../../../db/schema/ledger.ts";

export const LEDGER_ACCOUNT_KINDS = ["available", "escrow", "pending_withdrawal", "earnings", "fees", "stripe_clearing", "claws"] as const;
export type LedgerAccountKind = (typeof LEDGER_ACCOUNT_KINDS)[number];

/** Kinds whose balance (posted minus pending debits) may never go below zero; the database enforces it. */
export const NO_OVERDRAFT_KINDS: ReadonlySet<LedgerAccountKind> = new Set(["available", "escrow", "pending_withdrawal", "earnings", "claws"]);

/**
 * An account is named by (owner, currency, kind); ownerId null = a platform account (fees,
 * stripe_clearing). Created on first use. Currencies are ISO codes, kept lower case (`usd`, as Stripe writes them).
 */
export interface LedgerAccountRef {
  ownerId: string | null;
  currency: string;
  kind: LedgerAccountKind;
}

export interface TransferInput {
  /** Globally unique; the same key with the same fields returns the stored transfer (no second move); with other fields → AppError CONFLICT. */
  idempotencyKey: string;
  debit: LedgerAccountRef;
  credit: LedgerAccountRef;
  /** > 0 */
  amount: bigint;
  /** "topup" | "job.escrow" | "job.payout" | "job.fee" | "job.refund" | "withdraw" | ... */
  reason: string;
  /** Job id, checkout session id, Stripe transfer id ... */
  reference?: string;
  /** Two-phase: reserves the amount on the debit account until post or void. */
  pending?: boolean;
}

export interface LedgerTransfer {
  id: string;
  idempotencyKey: string;
  debitAccountId: string;
  creditAccountId: string;
  amount: bigint;
  reason: string;
  reference: string | null;
  status: LedgerTransferStatus;
  pendingId: string | null;
  createdAt: Date;
}

/** One side of a transfer as one owner sees it: money into (credit) or out of (debit) one of their accounts. */
export interface LedgerEntry {
  /** `<transfer id>:d` or `<transfer id>:c`: unique per side. */
  id: string;
  transferId: string;
  account: LedgerAccountKind;
  direction: "debit" | "credit";
  amount: bigint;
  reason: string;
  reference: string | null;
  /** The transfer's status: a pending one shows `pending` until it is posted or voided. */
  status: LedgerTransferStatus;
  createdAt: Date;
}

export interface LedgerBalance {
  posted: bigint;
  pendingDebits: bigint;
  pendingCredits: bigint;
}

export interface Ledger {
  /**
   * Atomic; throws AppError("PAYMENT_REQUIRED", ...) when the debit account (no-overdraft kinds:
   * available, escrow, pending_withdrawal, earnings, claws) lacks posted-minus-pending funds. Works
   * inside a caller's transaction: pass `tx` (a failure then rolls back only the ledger's own savepoint).
   */
  transfer(db: DbOrTx, input: TransferInput): Promise<LedgerTransfer>;
  /** Posts a pending transfer (optionally a smaller amount; the rest is released). Idempotent by key. */
  post(db: DbOrTx, input: { idempotencyKey: string; pendingId: string; amount?: bigint }): Promise<LedgerTransfer>;
  /** Voids a pending transfer, releasing its reservation. Idempotent by key. */
  void(db: DbOrTx, input: { idempotencyKey: string; pendingId: string }): Promise<LedgerTransfer>;
  /** Posted balance, pending debits and pending credits of one account (0n for an account never used). */
  balance(db: DbOrTx, account: LedgerAccountRef): Promise<LedgerBalance>;
  /** An owner's recent entries across their accounts, newest first, cursor-paged (src/platform/paging). */
  entries(db: DbOrTx, input: { ownerId: string; currency: string; cursor?: string; limit: number }): Promise<{ items: LedgerEntry[]; nextCursor: string | null }>;
}
