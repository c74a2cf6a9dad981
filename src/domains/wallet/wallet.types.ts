import { z } from "zod";
import { LEDGER_ACCOUNT_KINDS } from "../../platform/ledger/index.ts";
import { cursorPageInput } from "../../platform/paging/index.ts";

/** Cents as a JSON number: whole, and never beyond Number.MAX_SAFE_INTEGER. */
export const ZCents = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
/** An amount a caller asks to move: at least one cent. */
export const ZAmountCents = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

export const ZBalanceInput = z.object(cursorPageInput);

export const ZLedgerEntry = z.object({
  /** `<transfer id>:d` (money out of one of your accounts) or `<transfer id>:c` (money in). */
  id: z.string(),
  transfer_id: z.string(),
  /** What moved it: `topup`, `job.escrow`, `job.payout`, `job.fee`, `withdraw`, ... */
  type: z.string(),
  /** Which of your accounts: `available`, `escrow`, `earnings`, `pending_withdrawal`, ... */
  account: z.enum(LEDGER_ACCOUNT_KINDS),
  direction: z.enum(["credit", "debit"]),
  amount_cents: ZCents,
  /** `pending` while reserved (an escrow, a withdrawal in flight), then `posted` or `voided`. */
  status: z.enum(["pending", "posted", "voided"]),
  /** The job, checkout session or withdrawal it belongs to. */
  reference: z.string().nullable(),
  created_at: z.date(),
});
export type TLedgerEntry = z.infer<typeof ZLedgerEntry>;

export const ZBalance = z.object({
  currency: z.string(),
  /** Spendable on jobs: top-ups minus what is spent or reserved. */
  available_cents: ZCents,
  /** Reserved for your jobs: escrow posted plus payments still pending. */
  held_cents: ZCents,
  /** Earnings you can withdraw to your connected Stripe account (minus withdrawals in flight). */
  withdrawable_cents: ZCents,
  /** Your recent ledger entries, newest first; `next_cursor` pages on (`?cursor=`). */
  ledger: z.array(ZLedgerEntry),
  next_cursor: z.string().nullable(),
});
export type TBalance = z.infer<typeof ZBalance>;

export const ZTopupInput = z.object({ amount_cents: ZAmountCents });
export const ZTopup = z.object({
  /** The Checkout Session's id. */
  id: z.string(),
  /** Where to pay: Stripe's hosted checkout (or the simulator's local page). */
  url: z.string(),
});
export type TTopup = z.infer<typeof ZTopup>;

export const ZWithdrawInput = z.object({ amount_cents: ZAmountCents });
export const ZWithdrawal = z.object({
  id: z.string(),
  amount_cents: ZCents,
  currency: z.string(),
  /** `posted`: the transfer to your connected account was made; `pending`: Stripe has not answered yet and it is retried; `voided`: Stripe refused it, the money is back in your earnings. */
  status: z.enum(["pending", "posted", "voided"]),
  stripe_transfer_id: z.string().nullable(),
  failure: z.string().nullable(),
  created_at: z.date(),
});
export type TWithdrawal = z.infer<typeof ZWithdrawal>;

export const ZConnectLink = z.object({
  account_id: z.string(),
  /** Stripe's onboarding page for the account (expires; ask again for a fresh one). */
  url: z.string(),
  expires_at: z.number().int(),
});
export type TConnectLink = z.infer<typeof ZConnectLink>;

export const ZConnectStatus = z.object({
  /** False until `POST /api/stripe/connect` made an account. */
  connected: z.boolean(),
  account_id: z.string().nullable(),
  details_submitted: z.boolean(),
  charges_enabled: z.boolean(),
  payouts_enabled: z.boolean(),
});
export type TConnectStatus = z.infer<typeof ZConnectStatus>;
