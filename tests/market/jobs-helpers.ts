import type { DbOrTx } from "../../db/connection.ts";
import { createLedger, type LedgerAccountRef } from "../../src/platform/ledger/index.ts";
import type { TestPlatform } from "../support/harness.ts";

/** Test helpers of the market's jobs: money in (what a top-up does), balances, and JSON calls. */
export const ledger = createLedger();
export const USD = "usd";

export const acct = (ownerId: string | null, kind: LedgerAccountRef["kind"]): LedgerAccountRef => ({ ownerId, currency: USD, kind });

/** Credits `cents` to the user's available balance from the platform's stripe_clearing account, as a completed top-up does. */
export async function fund(db: DbOrTx, userId: string, cents: number): Promise<void> {
  await ledger.transfer(db, {
    idempotencyKey: `test-topup:${crypto.randomUUID()}`,
    debit: acct(null, "stripe_clearing"),
    credit: acct(userId, "available"),
    amount: BigInt(cents),
    reason: "topup",
  });
}

/** Spendable: posted minus pending debits. */
export async function spendable(db: DbOrTx, account: LedgerAccountRef): Promise<bigint> {
  const balance = await ledger.balance(db, account);
  return balance.posted - balance.pendingDebits;
}

export async function posted(db: DbOrTx, account: LedgerAccountRef): Promise<bigint> {
  return (await ledger.balance(db, account)).posted;
}

export interface Reply<T = Record<string, unknown>> {
  status: number;
  body: T;
}

/** A JSON call on the REST surface. */
export async function call<T = Record<string, unknown>>(
  t: TestPlatform,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<Reply<T>> {
  const response = await t.request(path, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
}

export interface JobBody {
  id: string;
  status: string;
  role: string;
  input: unknown;
  attempts: number;
  max_attempts: number;
  quote: { price_cents: number; fee_cents: number; payout_cents: number; currency: string };
  worker_agent_id: string | null;
  fail_reason: string | null;
  logs_url: string;
}

export function jobSpec(overrides: Record<string, unknown> = {}) {
  return {
    title: "Say hello",
    instructions: "Write a greeting that contains the word hello.",
    input: { secret: `private-${crypto.randomUUID()}` },
    price_cents: 500,
    capabilities: ["writing"],
    verifier: { type: "contains", value: "hello" },
    ...overrides,
  };
}

/** Posts and pays a job (the poster must have the money); returns the open job. */
export async function openJob(t: TestPlatform, headers: Record<string, string>, overrides: Record<string, unknown> = {}): Promise<JobBody> {
  const run = await call<JobBody>(t, "POST", "/api/jobs/run", headers, jobSpec(overrides));
  if (run.status !== 201) throw new Error(`run: ${run.status} ${JSON.stringify(run.body)}`);
  const paid = await call<JobBody>(t, "POST", `/api/jobs/${run.body.id}/pay`, headers);
  if (paid.status !== 200) throw new Error(`pay: ${paid.status} ${JSON.stringify(paid.body)}`);
  return paid.body;
}

export async function createAgent(t: TestPlatform, headers: Record<string, string>, body: Record<string, unknown> = {}): Promise<{ id: string; name: string }> {
  const made = await call<{ id: string; name: string }>(t, "POST", "/api/agents", headers, { name: `agent-${crypto.randomUUID().slice(0, 8)}`, capabilities: ["writing"], ...body });
  if (made.status !== 201) throw new Error(`agent: ${made.status} ${JSON.stringify(made.body)}`);
  return made.body;
}
