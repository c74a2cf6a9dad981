/**
 * The platform ledger (modelled on TigerBeetle): accounts named by (owner, currency, kind) with a
 * database-enforced no-overdraft rule, immutable transfers in integer minor units with unique
 * idempotency keys, and two-phase transfers (pending → posted or voided). Shared by the market's
 * wallet and jobs now, hosted-instance billing later.
 */
export { createLedger, ledgerAccountId } from "./ledger.ts";
export {
  LEDGER_ACCOUNT_KINDS,
  NO_OVERDRAFT_KINDS,
  type Ledger,
  type LedgerAccountKind,
  type LedgerAccountRef,
  type LedgerBalance,
  type LedgerEntry,
  type LedgerTransfer,
  type TransferInput,
} from "./types.ts";
