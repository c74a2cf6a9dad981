import { sql } from "drizzle-orm";
import { bigint, boolean, check, index, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { timestamptz } from "./columns.ts";

export const LEDGER_TRANSFER_STATUSES = ["pending", "posted", "voided"] as const;
export type LedgerTransferStatus = (typeof LEDGER_TRANSFER_STATUSES)[number];

/**
 * The platform ledger's accounts (modelled on TigerBeetle): one row per (owner, currency, kind),
 * its id derived from those three (`usr_…/usd/available`, `@platform/usd/fees`) so a transfer
 * names its accounts without a lookup and creates them on first use in the same statement.
 *
 * `posted` is the net posted balance (credits minus debits); `pending_debits` / `pending_credits`
 * are the amounts reserved by two-phase transfers not yet posted or voided. They are changed only
 * by the statement that records the transfer, so a balance never disagrees with the transfers.
 * The no-overdraft rule is the CHECK below, enforced by the database on every write.
 */
export const ledgerAccounts = pgTable(
  "ledger_accounts",
  {
    id: text("id").primaryKey(),
    /** null for a platform account (fees, stripe_clearing). */
    ownerId: text("owner_id"),
    currency: text("currency").notNull(),
    kind: text("kind").notNull(),
    noOverdraft: boolean("no_overdraft").notNull(),
    posted: bigint("posted", { mode: "bigint" }).notNull().default(sql`0`),
    pendingDebits: bigint("pending_debits", { mode: "bigint" }).notNull().default(sql`0`),
    pendingCredits: bigint("pending_credits", { mode: "bigint" }).notNull().default(sql`0`),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
  },
  (t) => [
    index("ledger_accounts_owner_idx").on(t.ownerId, t.currency),
    check("ledger_accounts_no_overdraft", sql`not ${t.noOverdraft} or ${t.posted} - ${t.pendingDebits} >= 0`),
    check("ledger_accounts_pending_nonnegative", sql`${t.pendingDebits} >= 0 and ${t.pendingCredits} >= 0`),
  ],
);

/**
 * Immutable transfers between two accounts, in integer minor units. A two-phase transfer is a row
 * with status `pending`; posting or voiding it writes a second row (its own idempotency key,
 * `pending_id` pointing at the first) and moves the first row's status once, from `pending` to
 * `posted` or `voided` — the only change a transfer row ever sees.
 */
export const ledgerTransfers = pgTable(
  "ledger_transfers",
  {
    id: text("id").primaryKey(),
    idempotencyKey: text("idempotency_key").notNull(),
    debitAccountId: text("debit_account_id").notNull(),
    creditAccountId: text("credit_account_id").notNull(),
    amount: bigint("amount", { mode: "bigint" }).notNull(),
    reason: text("reason").notNull(),
    reference: text("reference"),
    status: text("status", { enum: LEDGER_TRANSFER_STATUSES }).notNull(),
    /** On a post or void record: the pending transfer it resolves. */
    pendingId: text("pending_id"),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("ledger_transfers_key_uq").on(t.idempotencyKey),
    index("ledger_transfers_debit_idx").on(t.debitAccountId, t.createdAt, t.id),
    index("ledger_transfers_credit_idx").on(t.creditAccountId, t.createdAt, t.id),
    index("ledger_transfers_pending_idx").on(t.pendingId).where(sql`${t.pendingId} is not null`),
    check("ledger_transfers_amount_positive", sql`${t.amount} > 0`),
    check("ledger_transfers_distinct_accounts", sql`${t.debitAccountId} <> ${t.creditAccountId}`),
  ],
);

export type LedgerAccountRow = typeof ledgerAccounts.$inferSelect;
export type LedgerTransferRow = typeof ledgerTransfers.$inferSelect;
