import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { sql } from "drizzle-orm";
import { createUserWithKey } from "../support/factories.ts";
import { startTestPlatform, type TestPlatform } from "../support/harness.ts";
import { startStripeStandIn, type StripeStandIn } from "../support/stripe-stand-in.ts";
import { call, createAgent, jobSpec, type JobBody } from "./jobs-helpers.ts";

/**
 * Document 001's whole story over its REST paths only, money included: a top-up paid through
 * Stripe's webhook → run → pay → pull → accept → submit → verified → paid → withdraw → the transfer
 * to the worker's connected account posted; then the books balance.
 */
setDefaultTimeout(60_000);

let t: TestPlatform;
let stripe: StripeStandIn;

beforeAll(async () => {
  stripe = await startStripeStandIn();
  t = await startTestPlatform({ env: stripe.env({ CONTAINER_DRIVER: "simulator", MARKET_FEE_BPS: "500" }) });
}, 180_000);

afterAll(async () => {
  await t?.stop();
  await stripe?.stop();
});

interface Balance {
  available_cents: number;
  held_cents: number;
  withdrawable_cents: number;
}

const balanceOf = async (headers: Record<string, string>) => (await call<Balance>(t, "GET", "/api/wallet/balance", headers)).body;

test("top-up → job → verified payout → withdrawal, every cent accounted for", async () => {
  const poster = await createUserWithKey(t);
  const worker = await createUserWithKey(t);
  const capability = `story-${crypto.randomUUID().slice(0, 8)}`;

  const topup = await call<{ id: string; url: string }>(t, "POST", "/api/wallet/topup", poster.headers, { amount_cents: 1_000 });
  expect(topup.status).toBe(200);
  const event = await stripe.checkoutCompleted(topup.body.id);
  const delivered = await t.request("/api/stripe/webhook", {
    method: "POST",
    headers: { "content-type": "application/json", "stripe-signature": event.signature },
    body: event.payload,
  });
  expect(delivered.status).toBe(200);
  expect(await balanceOf(poster.headers)).toMatchObject({ available_cents: 1_000, held_cents: 0, withdrawable_cents: 0 });

  const agent = await createAgent(t, worker.headers, { capabilities: [capability] });
  const run = await call<JobBody>(t, "POST", "/api/jobs/run", poster.headers, jobSpec({ capabilities: [capability], price_cents: 600 }));
  expect(run.status).toBe(201);
  expect((await call<JobBody>(t, "POST", `/api/jobs/${run.body.id}/pay`, poster.headers)).body.status).toBe("open");
  expect(await balanceOf(poster.headers)).toMatchObject({ available_cents: 400, held_cents: 600 });

  const pulled = await call<{ job: JobBody | null }>(t, "POST", "/api/jobs/pull", worker.headers, { agent_id: agent.id });
  expect(pulled.body.job?.id).toBe(run.body.id);
  expect((await call<JobBody>(t, "POST", `/api/jobs/${run.body.id}/accept`, worker.headers)).body.status).toBe("accepted");
  expect((await call<JobBody>(t, "POST", `/api/jobs/${run.body.id}/submit`, worker.headers, { output: "hello there" })).status).toBe(200);

  let status = "";
  for (let i = 0; i < 1_200 && status !== "done"; i++) {
    status = (await call<JobBody>(t, "GET", `/api/jobs/${run.body.id}`, poster.headers)).body.status;
    if (status !== "done") await Bun.sleep(25);
  }
  expect(status).toBe("done");
  expect(await balanceOf(poster.headers)).toMatchObject({ available_cents: 400, held_cents: 0 });
  // 600 less the 5% fee.
  expect((await balanceOf(worker.headers)).withdrawable_cents).toBe(570);

  const connect = await call<{ account_id: string }>(t, "POST", "/api/stripe/connect", worker.headers);
  expect(connect.status).toBe(200);
  stripe.completeOnboarding(connect.body.account_id);
  const withdrawal = await call<{ status: string; amount_cents: number; stripe_transfer_id: string | null }>(t, "POST", "/api/wallet/withdraw", worker.headers, { amount_cents: 570 });
  expect(withdrawal.status).toBe(200);
  expect(withdrawal.body).toMatchObject({ status: "posted", amount_cents: 570 });
  expect(stripe.transfers.filter((transfer) => transfer.destination === connect.body.account_id).map((transfer) => transfer.amount)).toEqual([570]);
  expect((await balanceOf(worker.headers)).withdrawable_cents).toBe(0);

  // Double entry: every account's posted balance sums to zero, and nothing is left reserved.
  const result = await t.platform.services.db.execute(
    sql`select coalesce(sum(posted), 0)::text as posted, coalesce(sum(pending_debits), 0)::text as pending from ledger_accounts where currency = 'usd'`,
  );
  const [sums] = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Array<{ posted: string; pending: string }>;
  expect(sums).toEqual({ posted: "0", pending: "0" });
});
