import { sql, type SQL } from "drizzle-orm";
import type { DbOrTx } from "../../../db/connection.ts";
import type { LedgerTransferStatus } from "../../../db/schema/ledger.ts";
import { AppError } from "../errors.ts";
import { ID_PREFIX, newId } from "../ids.ts";
import { decodeCursor, encodeCursor } from "../paging/cursor.ts";
import { dateOfMicros, databaseError, isolated, queryRows, utcMicros } from "./sql-rows.ts";
import {
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

/** Largest amount a bigint column holds. */
const MAX_AMOUNT = 2n ** 63n - 1n;
const PLATFORM_OWNER = "@platform";
const OWNER_ID = /^[\w.:-]{1,200}$/;
const CURRENCY = /^[a-z]{3}$/;
const MAX_KEY_LENGTH = 255;

interface TransferRow {
  id: string;
  idempotency_key: string;
  debit_account_id: string;
  credit_account_id: string;
  amount: string;
  reason: string;
  reference: string | null;
  status: LedgerTransferStatus;
  pending_id: string | null;
  created_at: string;
}

/** The columns every statement returns for a transfer, as text the two drivers read alike. */
const TRANSFER_COLUMNS = (alias: string): SQL =>
  sql.raw(
    `${alias}.id, ${alias}.idempotency_key, ${alias}.debit_account_id, ${alias}.credit_account_id, ${alias}.amount::text as amount, ` +
      `${alias}.reason, ${alias}.reference, ${alias}.status, ${alias}.pending_id, ` +
      `to_char(${alias}.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as created_at`,
  );

function toTransfer(row: TransferRow): LedgerTransfer {
  return {
    id: row.id,
    idempotencyKey: row.idempotency_key,
    debitAccountId: row.debit_account_id,
    creditAccountId: row.credit_account_id,
    amount: BigInt(row.amount),
    reason: row.reason,
    reference: row.reference,
    status: row.status,
    pendingId: row.pending_id,
    createdAt: dateOfMicros(row.created_at),
  };
}

export interface Account {
  id: string;
  ownerId: string | null;
  currency: string;
  kind: LedgerAccountKind;
  noOverdraft: boolean;
}

/**
 * An account's id is derived from its name (`usr_…/usd/available`, `@platform/usd/fees`), so a
 * transfer reaches its accounts by primary key and creates them in the same statement.
 */
export function ledgerAccountId(ref: LedgerAccountRef): string {
  return account(ref).id;
}

function account(ref: LedgerAccountRef): Account {
  if (ref.ownerId !== null && !OWNER_ID.test(ref.ownerId)) throw invalid(`ledger owner id ${JSON.stringify(ref.ownerId)} is not an id`);
  if (!(LEDGER_ACCOUNT_KINDS as readonly string[]).includes(ref.kind)) throw invalid(`unknown ledger account kind ${JSON.stringify(ref.kind)}`);
  const currency = ref.currency.toLowerCase();
  if (!CURRENCY.test(currency)) throw invalid(`currency ${JSON.stringify(ref.currency)} is not an ISO code`);
  return {
    id: `${ref.ownerId ?? PLATFORM_OWNER}/${currency}/${ref.kind}`,
    ownerId: ref.ownerId,
    currency,
    kind: ref.kind,
    noOverdraft: NO_OVERDRAFT_KINDS.has(ref.kind),
  };
}

function kindOfAccountId(id: string): LedgerAccountKind {
  return id.slice(id.lastIndexOf("/") + 1) as LedgerAccountKind;
}

function invalid(message: string): AppError {
  return new AppError("BAD_REQUEST", message);
}

function checkKey(key: string): void {
  if (key.length === 0 || key.length > MAX_KEY_LENGTH) throw invalid(`ledger idempotency key must be 1..${MAX_KEY_LENGTH} characters`);
}

function checkAmount(amount: bigint): void {
  if (typeof amount !== "bigint" || amount <= 0n || amount > MAX_AMOUNT) throw invalid("ledger amount must be a positive bigint within 64 bits");
}

/** One account row's change, applied by upsert: a new account starts from these deltas. */
function accountDelta(target: Account, delta: { posted: bigint; pendingDebits: bigint; pendingCredits: bigint }): SQL {
  return sql`(${target.id}::text, ${target.ownerId}::text, ${target.currency}::text, ${target.kind}::text, ${target.noOverdraft}::boolean,
    ${delta.posted.toString()}::bigint, ${delta.pendingDebits.toString()}::bigint, ${delta.pendingCredits.toString()}::bigint)`;
}

async function transferByKey(db: DbOrTx, key: string): Promise<LedgerTransfer | undefined> {
  const rows = await queryRows<TransferRow>(db, sql`select ${TRANSFER_COLUMNS("t")} from ledger_transfers t where t.idempotency_key = ${key}`);
  return rows[0] ? toTransfer(rows[0]) : undefined;
}

async function transferById(db: DbOrTx, id: string): Promise<LedgerTransfer | undefined> {
  const rows = await queryRows<TransferRow>(db, sql`select ${TRANSFER_COLUMNS("t")} from ledger_transfers t where t.id = ${id}`);
  return rows[0] ? toTransfer(rows[0]) : undefined;
}

async function balanceOf(db: DbOrTx, accountId: string): Promise<LedgerBalance> {
  const rows = await queryRows<{ posted: string; pending_debits: string; pending_credits: string }>(
    db,
    sql`select posted::text as posted, pending_debits::text as pending_debits, pending_credits::text as pending_credits
        from ledger_accounts where id = ${accountId}`,
  );
  const row = rows[0];
  if (!row) return { posted: 0n, pendingDebits: 0n, pendingCredits: 0n };
  return { posted: BigInt(row.posted), pendingDebits: BigInt(row.pending_debits), pendingCredits: BigInt(row.pending_credits) };
}

function keyReused(key: string): AppError {
  return new AppError("CONFLICT", `ledger idempotency key ${key} was already used for a different transfer`);
}

async function insufficient(db: DbOrTx, debit: Account, amount: bigint): Promise<AppError> {
  const balance = await balanceOf(db, debit.id);
  const spendable = balance.posted - balance.pendingDebits;
  const shortfall = amount - (spendable > 0n ? spendable : 0n);
  return new AppError(
    "PAYMENT_REQUIRED",
    `Insufficient balance: ${amount} ${debit.currency} needed from ${debit.kind}, ${spendable > 0n ? spendable : 0n} available (short by ${shortfall})`,
    { shortfall_cents: shortfall.toString(), currency: debit.currency },
  );
}

/**
 * The one statement a transfer is: exported for bench/market.ts, whose floor issues exactly this
 * SQL bare through Bun SQL.
 */
export function transferStatement(input: TransferInput): { statement: SQL; debit: Account; credit: Account } {
  checkKey(input.idempotencyKey);
  checkAmount(input.amount);
  const debit = account(input.debit);
  const credit = account(input.credit);
  if (debit.currency !== credit.currency) throw invalid("a ledger transfer cannot change currency");
  if (debit.id === credit.id) throw invalid("a ledger transfer needs two different accounts");
  const pending = input.pending === true;
  const amount = input.amount;
  const reference = input.reference ?? null;
  // A no-overdraft account is debited only if it already exists (checked by the transfer's insert),
  // so its proposed row below never gets inserted: it only carries the change for ON CONFLICT, and
  // its no_overdraft is false because PostgreSQL checks a proposed row's CHECKs before it looks for
  // the conflict. The stored row keeps its flag, and the CHECK guards the updated balance.
  const deltas = [
    { target: debit.noOverdraft ? { ...debit, noOverdraft: false } : debit, change: pending ? { posted: 0n, pendingDebits: amount, pendingCredits: 0n } : { posted: -amount, pendingDebits: 0n, pendingCredits: 0n } },
    { target: credit, change: pending ? { posted: 0n, pendingDebits: 0n, pendingCredits: amount } : { posted: amount, pendingDebits: 0n, pendingCredits: 0n } },
  ]
    // Rows are locked in id order, so two transfers between the same accounts in opposite directions never deadlock.
    .sort((a, b) => (a.target.id < b.target.id ? -1 : 1))
    .map((row) => accountDelta(row.target, row.change));

  // One statement: record the transfer (unless its key exists) and move both balances. The CHECK on
  // ledger_accounts refuses an overdraft, which aborts the statement and with it the transfer row.
  const statement = sql`
    with t as (
      insert into ledger_transfers (id, idempotency_key, debit_account_id, credit_account_id, amount, reason, reference, status)
      select ${newId(ID_PREFIX.transfer)}, ${input.idempotencyKey}, ${debit.id}, ${credit.id}, ${amount.toString()}::bigint,
             ${input.reason}, ${reference}::text, ${pending ? "pending" : "posted"}
      ${debit.noOverdraft ? sql`where exists (select 1 from ledger_accounts where id = ${debit.id})` : sql``}
      on conflict (idempotency_key) do nothing
      returning *
    ), moved as (
      insert into ledger_accounts as a (id, owner_id, currency, kind, no_overdraft, posted, pending_debits, pending_credits)
      select v.* from (values ${sql.join(deltas, sql`, `)}) as v(id, owner_id, currency, kind, no_overdraft, posted, pending_debits, pending_credits)
      where exists (select 1 from t)
      on conflict (id) do update set
        posted = a.posted + excluded.posted,
        pending_debits = a.pending_debits + excluded.pending_debits,
        pending_credits = a.pending_credits + excluded.pending_credits
      returning 1
    )
    select ${TRANSFER_COLUMNS("t")}, (select count(*) from moved)::int as moved from t`;
  return { statement, debit, credit };
}

async function transfer(db: DbOrTx, input: TransferInput): Promise<LedgerTransfer> {
  const { statement, debit, credit } = transferStatement(input);
  const { amount } = input;
  const pending = input.pending === true;
  const reference = input.reference ?? null;
  let rows: TransferRow[];
  try {
    rows = await isolated(db, (inner) => queryRows<TransferRow>(inner, statement));
  } catch (error) {
    const failure = databaseError(error);
    if (failure?.sqlState === "23514" && failure.constraint === "ledger_accounts_no_overdraft") throw await insufficient(db, debit, amount);
    throw error;
  }
  if (rows[0]) return toTransfer(rows[0]);

  const existing = await transferByKey(db, input.idempotencyKey);
  // Nothing recorded and no transfer under the key: the debit account was never credited.
  if (!existing) throw await insufficient(db, debit, amount);
  if (!sameFields(existing, debit, credit, amount, input.reason, reference)) throw keyReused(input.idempotencyKey);
  // A two-phase transfer may since have been posted or voided; it is still the same transfer. A
  // posted one is told apart from a plain transfer by the post record that resolved it.
  const wasPending = existing.status !== "posted" || (await resolvedBy(db, existing.id));
  if (wasPending === pending) return existing;
  throw keyReused(input.idempotencyKey);
}

async function resolvedBy(db: DbOrTx, pendingId: string): Promise<boolean> {
  const rows = await queryRows<{ one: number }>(db, sql`select 1 as one from ledger_transfers where pending_id = ${pendingId} limit 1`);
  return rows.length > 0;
}

function sameFields(t: LedgerTransfer, debit: Account, credit: Account, amount: bigint, reason: string, reference: string | null): boolean {
  return t.pendingId === null && t.debitAccountId === debit.id && t.creditAccountId === credit.id && t.amount === amount && t.reason === reason && t.reference === reference;
}

type Resolution = "posted" | "voided";

async function resolve(db: DbOrTx, outcome: Resolution, input: { idempotencyKey: string; pendingId: string; amount?: bigint }): Promise<LedgerTransfer> {
  checkKey(input.idempotencyKey);
  if (input.amount !== undefined) checkAmount(input.amount);
  const amount = input.amount === undefined ? null : input.amount.toString();
  const posting = outcome === "posted";
  // One statement: flip the pending transfer (only from `pending`, so only once), record the post or
  // void under its own key (a key already taken aborts all of it), and move the reservations.
  const statement = sql`
    with p as (
      update ledger_transfers set status = ${outcome}
      where id = ${input.pendingId} and status = 'pending' and pending_id is null
        and (${amount}::bigint is null or ${amount}::bigint <= amount)
      returning *
    ), locked as (
      -- Both accounts locked in id order, as transfers lock them, so opposite moves never deadlock.
      select a.id from ledger_accounts a, p where a.id in (p.debit_account_id, p.credit_account_id) order by a.id for update of a
    ), t as (
      insert into ledger_transfers (id, idempotency_key, debit_account_id, credit_account_id, amount, reason, reference, status, pending_id)
      select ${newId(ID_PREFIX.transfer)}, ${input.idempotencyKey}, p.debit_account_id, p.credit_account_id,
             coalesce(${amount}::bigint, p.amount), p.reason, p.reference, ${outcome}, p.id
      from p
      returning *
    ), moved as (
      update ledger_accounts a set
        posted = a.posted + case when ${posting} then (case when a.id = t.credit_account_id then t.amount else -t.amount end) else 0 end,
        pending_debits = a.pending_debits - case when a.id = p.debit_account_id then p.amount else 0 end,
        pending_credits = a.pending_credits - case when a.id = p.credit_account_id then p.amount else 0 end
      from t cross join p cross join locked l
      where a.id = l.id
      returning 1
    )
    select ${TRANSFER_COLUMNS("t")}, (select count(*) from moved)::int as moved from t`;

  let rows: TransferRow[] = [];
  try {
    rows = await isolated(db, (inner) => queryRows<TransferRow>(inner, statement));
  } catch (error) {
    const failure = databaseError(error);
    if (failure?.sqlState !== "23505") throw error;
  }
  if (rows[0]) return toTransfer(rows[0]);

  const existing = await transferByKey(db, input.idempotencyKey);
  if (existing) {
    const same =
      existing.pendingId === input.pendingId && existing.status === outcome && (input.amount === undefined || existing.amount === input.amount);
    if (same) return existing;
    throw keyReused(input.idempotencyKey);
  }
  const target = await transferById(db, input.pendingId);
  if (!target || target.pendingId !== null) throw new AppError("NOT_FOUND", `no pending ledger transfer ${input.pendingId}`);
  if (target.status !== "pending") throw new AppError("CONFLICT", `ledger transfer ${input.pendingId} is already ${target.status}`);
  if (input.amount !== undefined && input.amount > target.amount) {
    throw invalid(`cannot post ${input.amount}: the pending transfer reserved ${target.amount}`);
  }
  throw new AppError("INTERNAL", `ledger transfer ${input.pendingId} could not be ${outcome}`);
}

async function entries(
  db: DbOrTx,
  input: { ownerId: string; currency: string; cursor?: string; limit: number },
): Promise<{ items: LedgerEntry[]; nextCursor: string | null }> {
  const limit = Math.max(1, Math.min(1000, Math.floor(input.limit)));
  const ids = LEDGER_ACCOUNT_KINDS.map((kind) => ledgerAccountId({ ownerId: input.ownerId, currency: input.currency, kind }));
  const after = input.cursor === undefined ? undefined : decodeCursor(input.cursor);
  if (input.cursor !== undefined && (!after || typeof after.id !== "string")) {
    throw new AppError("VALIDATION", "Validation failed: cursor: is not a cursor this API returned", { cursor: "is not a cursor this API returned" });
  }
  const idList = sql.join(
    ids.map((id) => sql`${id}`),
    sql`, `,
  );
  const side = (direction: "debit" | "credit", column: string, suffix: string): SQL => sql`
    select t.id || ${suffix} as entry_id, t.id as transfer_id, ${sql.raw(`t.${column}`)} as account_id, ${direction}::text as direction,
           t.amount, t.reason, t.reference, t.status, t.created_at
    from ledger_transfers t
    where ${sql.raw(`t.${column}`)} in (${idList}) and t.pending_id is null
      ${after ? sql`and (t.created_at, t.id || ${suffix}) < (${after.createdAt}::timestamptz, ${after.id}::text)` : sql``}`;
  const rows = await queryRows<{
    entry_id: string;
    transfer_id: string;
    account_id: string;
    direction: "debit" | "credit";
    amount: string;
    reason: string;
    reference: string | null;
    status: LedgerTransferStatus;
    position: string;
  }>(
    db,
    sql`select e.entry_id, e.transfer_id, e.account_id, e.direction, e.amount::text as amount, e.reason, e.reference, e.status,
               ${utcMicros(sql`e.created_at`)} as position
        from (${side("debit", "debit_account_id", ":d")} union all ${side("credit", "credit_account_id", ":c")}) e
        order by e.created_at desc, e.entry_id desc
        limit ${limit + 1}`,
  );
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const last = more ? page[page.length - 1] : undefined;
  return {
    items: page.map((row) => ({
      id: row.entry_id,
      transferId: row.transfer_id,
      account: kindOfAccountId(row.account_id),
      direction: row.direction,
      amount: BigInt(row.amount),
      reason: row.reason,
      reference: row.reference,
      status: row.status,
      createdAt: dateOfMicros(row.position),
    })),
    nextCursor: last ? encodeCursor({ createdAt: last.position, id: last.entry_id }) : null,
  };
}

/** The platform ledger. Stateless: every call takes the database handle or the caller's transaction. */
export function createLedger(): Ledger {
  return {
    transfer,
    post: (db, input) => resolve(db, "posted", input),
    void: (db, input) => resolve(db, "voided", input),
    balance: (db, ref) => balanceOf(db, ledgerAccountId(ref)),
    entries,
  };
}
