import { sql } from "drizzle-orm";
import { bigint, boolean, index, pgTable, text } from "drizzle-orm/pg-core";
import { timestamptz } from "./columns.ts";

/**
 * Top-ups: one row per Checkout Session this platform created (`POST /api/wallet/topup`). The
 * webhook credits a session once: its ledger transfer's key is `topup:<session id>`.
 */
export const paymentCheckoutSessions = pgTable(
  "payment_checkout_sessions",
  {
    /** Stripe's id (`cs_…`). */
    id: text("id").primaryKey(),
    userId: text("user_id").notNull(),
    amountCents: bigint("amount_cents", { mode: "bigint" }).notNull(),
    currency: text("currency").notNull(),
    status: text("status", { enum: ["open", "completed"] }).notNull().default("open"),
    /** The ledger transfer that credited it. */
    transferId: text("transfer_id"),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    completedAt: timestamptz("completed_at"),
  },
  (t) => [index("payment_checkout_sessions_user_idx").on(t.userId, t.createdAt)],
);

/** Webhook events already handled, by Stripe's event id: a redelivery is acknowledged and ignored. */
export const paymentWebhookEvents = pgTable("payment_webhook_events", {
  id: text("id").primaryKey(),
  type: text("type").notNull(),
  receivedAt: timestamptz("received_at").notNull().defaultNow(),
});

/** A user's Stripe Connect Express account and its last known state (refreshed from Stripe and `account.updated`). */
export const paymentConnectAccounts = pgTable(
  "payment_connect_accounts",
  {
    userId: text("user_id").primaryKey(),
    /** `acct_…` */
    accountId: text("account_id").notNull().unique(),
    detailsSubmitted: boolean("details_submitted").notNull().default(false),
    chargesEnabled: boolean("charges_enabled").notNull().default(false),
    payoutsEnabled: boolean("payouts_enabled").notNull().default(false),
    /** When Stripe reported that state (event `created`, or the time of a refresh), in seconds: an older `account.updated` delivered late is ignored. */
    stateAsOf: bigint("state_as_of", { mode: "number" }).notNull().default(0),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
  },
);

export const WITHDRAWAL_STATUSES = ["pending", "posted", "voided"] as const;
export type WithdrawalStatus = (typeof WITHDRAWAL_STATUSES)[number];

/**
 * Withdrawals of earnings to a connected account: the ledger's pending transfer earnings →
 * pending_withdrawal reserves the money; the Stripe transfer's outcome posts it (and moves it on
 * to stripe_clearing) or voids it. A withdrawal still `pending` is retried by its queued job.
 */
export const paymentWithdrawals = pgTable(
  "payment_withdrawals",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull(),
    amountCents: bigint("amount_cents", { mode: "bigint" }).notNull(),
    currency: text("currency").notNull(),
    destination: text("destination").notNull(),
    status: text("status", { enum: WITHDRAWAL_STATUSES }).notNull().default("pending"),
    pendingTransferId: text("pending_transfer_id").notNull(),
    stripeTransferId: text("stripe_transfer_id"),
    failure: text("failure"),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
  },
  (t) => [
    index("payment_withdrawals_user_idx").on(t.userId, t.createdAt),
    index("payment_withdrawals_pending_idx").on(t.createdAt).where(sql`${t.status} = 'pending'`),
  ],
);

export type PaymentWithdrawalRow = typeof paymentWithdrawals.$inferSelect;
export type PaymentConnectAccountRow = typeof paymentConnectAccounts.$inferSelect;
