import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import { paymentConnectAccounts } from "../../db/schema/payments.ts";
import { createLedger } from "../../src/platform/ledger/index.ts";
import { createUserWithKey } from "../support/factories.ts";
import { startTestPlatform, type TestPlatform } from "../support/harness.ts";
import { startStripeStandIn, type StripeStandIn } from "../support/stripe-stand-in.ts";

/**
 * The wallet and Stripe routes of document 001 over HTTP, with the official `stripe` SDK talking to
 * a local stand-in (tests/support/stripe-stand-in.ts) and webhooks signed by the SDK's own helper.
 */
let t: TestPlatform;
let stripe: StripeStandIn;
const ledger = createLedger();

beforeAll(async () => {
  stripe = await startStripeStandIn();
  // A short Stripe timeout so a hung transfer fails fast; the withdrawal job is due 2× that later.
  t = await startTestPlatform({ env: stripe.env({ STRIPE_TIMEOUT_MS: "700", TOPUP_MIN_CENTS: "100", TOPUP_MAX_CENTS: "50000" }) });
});

afterAll(async () => {
  await t?.stop();
  await stripe?.stop();
});

interface Reply<T> {
  status: number;
  body: T;
}

async function call<T = Record<string, unknown>>(method: string, path: string, headers: Record<string, string>, body?: unknown, extra: Record<string, string> = {}): Promise<Reply<T>> {
  const response = await t.request(path, {
    method,
    headers: { ...headers, ...extra, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
}

interface Balance {
  currency: string;
  available_cents: number;
  held_cents: number;
  withdrawable_cents: number;
  ledger: Array<{ id: string; type: string; account: string; direction: string; amount_cents: number; status: string; reference: string | null }>;
  next_cursor: string | null;
}

interface Withdrawal {
  id: string;
  status: string;
  amount_cents: number;
  stripe_transfer_id: string | null;
  failure: string | null;
}

const balanceOf = async (headers: Record<string, string>) => (await call<Balance>("GET", "/api/wallet/balance", headers)).body;

async function deliver(event: { payload: string; signature: string }): Promise<Reply<{ received?: boolean; duplicate?: boolean; error?: string }>> {
  const response = await t.request("/api/stripe/webhook", {
    method: "POST",
    headers: { "content-type": "application/json", "stripe-signature": event.signature },
    body: event.payload,
  });
  return { status: response.status, body: (await response.json()) as { received?: boolean; duplicate?: boolean; error?: string } };
}

async function topUp(headers: Record<string, string>, cents: number): Promise<string> {
  const created = await call<{ id: string; url: string }>("POST", "/api/wallet/topup", headers, { amount_cents: cents });
  expect(created.status).toBe(200);
  expect((await deliver(await stripe.checkoutCompleted(created.body.id))).status).toBe(200);
  return created.body.id;
}

/** Earnings as a verified job's payout leaves them (the jobs domain's transfer). */
async function earn(userId: string, cents: number): Promise<void> {
  await ledger.transfer(t.platform.services.db, {
    idempotencyKey: `test-payout:${crypto.randomUUID()}`,
    debit: { ownerId: null, currency: "usd", kind: "stripe_clearing" },
    credit: { ownerId: userId, currency: "usd", kind: "earnings" },
    amount: BigInt(cents),
    reason: "job.payout",
  });
}

async function onboarded(headers: Record<string, string>): Promise<string> {
  const link = await call<{ account_id: string; url: string }>("POST", "/api/stripe/connect", headers);
  expect(link.status).toBe(200);
  stripe.completeOnboarding(link.body.account_id);
  return link.body.account_id;
}

async function waitForStatus(headers: Record<string, string>, id: string, transferCount: () => number): Promise<void> {
  // Poll the ledger (the withdrawal's queued job settles it) — bounded, with no assertion on time.
  for (let i = 0; i < 400; i++) {
    const balance = await balanceOf(headers);
    if (balance.ledger.some((entry) => entry.reference === id && entry.status !== "pending") && transferCount() > 0) return;
    await Bun.sleep(25);
  }
  throw new Error(`withdrawal ${id} never settled`);
}

describe("balance", () => {
  test("a new wallet is empty; the route needs a signed-in caller", async () => {
    const { headers } = await createUserWithKey(t);
    expect(await balanceOf(headers)).toEqual({ currency: "usd", available_cents: 0, held_cents: 0, withdrawable_cents: 0, ledger: [], next_cursor: null });
    const anonymous = await call("GET", "/api/wallet/balance", {});
    expect(anonymous.status).toBe(401);
    expect(typeof anonymous.body.error).toBe("string");
  });

  test("entries page by cursor; a bad cursor or limit is a 400 in the market envelope", async () => {
    const { headers } = await createUserWithKey(t);
    for (const cents of [100, 200, 300]) await topUp(headers, cents);
    const first = await call<Balance>("GET", "/api/wallet/balance?limit=2", headers);
    expect(first.body.available_cents).toBe(600);
    expect(first.body.ledger.map((e) => e.amount_cents)).toEqual([300, 200]);
    expect(first.body.next_cursor).not.toBeNull();
    const second = await call<Balance>("GET", `/api/wallet/balance?limit=2&cursor=${first.body.next_cursor}`, headers);
    expect(second.body.ledger.map((e) => e.amount_cents)).toEqual([100]);
    expect(second.body.next_cursor).toBeNull();
    expect((await call("GET", "/api/wallet/balance?cursor=nonsense", headers)).status).toBe(400);
    expect((await call("GET", "/api/wallet/balance?limit=0", headers)).status).toBe(400);
  });
});

describe("typed client", () => {
  test("wallet and Connect procedures answer over tRPC as over REST", async () => {
    const { headers, key } = await createUserWithKey(t);
    await topUp(headers, 150);
    const client = t.client(key);
    const balance = await client.wallet.balance.query({ limit: 5 });
    expect(balance.available_cents).toBe(150);
    expect(balance.ledger[0]?.created_at).toBeInstanceOf(Date);
    const created = await client.wallet.topup.mutate({ amount_cents: 200 });
    expect(stripe.sessions.get(created.id)?.amount_total).toBe(200);
    expect((await client.stripe.connectStatus.query()).connected).toBe(false);
  });
});

describe("top-up", () => {
  test("creates a Checkout Session within bounds; the webhook credits it; the ledger shows it", async () => {
    const { headers } = await createUserWithKey(t);
    expect((await call("POST", "/api/wallet/topup", headers, { amount_cents: 99 })).status).toBe(400);
    expect((await call("POST", "/api/wallet/topup", headers, { amount_cents: 50_001 })).status).toBe(400);
    expect((await call("POST", "/api/wallet/topup", headers, { amount_cents: Number.MAX_SAFE_INTEGER + 2 })).status).toBe(400);
    expect((await call("POST", "/api/wallet/topup", headers, { amount_cents: 12.5 })).status).toBe(400);
    const created = await call<{ id: string; url: string }>("POST", "/api/wallet/topup", headers, { amount_cents: 2500 });
    expect(created.status).toBe(200);
    expect(created.body.url).toStartWith("https://checkout.stripe.test/");
    expect(stripe.sessions.get(created.body.id)?.amount_total).toBe(2500);
    // Nothing is credited before Stripe says it is paid.
    expect((await balanceOf(headers)).available_cents).toBe(0);
    const delivered = await deliver(await stripe.checkoutCompleted(created.body.id));
    expect(delivered).toEqual({ status: 200, body: { received: true, duplicate: false } });
    const balance = await balanceOf(headers);
    expect(balance.available_cents).toBe(2500);
    expect(balance.ledger[0]).toMatchObject({ type: "topup", account: "available", direction: "credit", amount_cents: 2500, status: "posted", reference: created.body.id });
  });

  test("a webhook replayed 100 times, at once and out of order with other events for the same session, credits once", async () => {
    const { headers } = await createUserWithKey(t);
    const first = await call<{ id: string }>("POST", "/api/wallet/topup", headers, { amount_cents: 700 });
    const second = await call<{ id: string }>("POST", "/api/wallet/topup", headers, { amount_cents: 300 });
    const completed = await stripe.checkoutCompleted(first.body.id);
    // Another event id for the same session (async payment confirmation), and the second session's event first.
    const asyncPaid = await stripe.signedEvent("checkout.session.async_payment_succeeded", stripe.sessions.get(first.body.id)!);
    const other = await stripe.checkoutCompleted(second.body.id);
    expect((await deliver(other)).status).toBe(200);
    // 100 deliveries of one event, 20 at a time (one client address may hold MAX_CONNECTIONS_PER_IP requests), the other event among them.
    const replies: Array<Awaited<ReturnType<typeof deliver>>> = [];
    for (let round = 0; round < 5; round++) {
      replies.push(...(await Promise.all([...Array.from({ length: 20 }, () => deliver(completed)), ...(round === 2 ? [deliver(asyncPaid)] : [])])));
    }
    expect(replies.map((reply) => reply.status)).toEqual(Array.from({ length: 101 }, () => 200));
    expect(replies.filter((reply) => reply.body.duplicate === false).length).toBe(2); // the first delivery of each event id
    expect((await deliver(other)).body.duplicate).toBe(true);
    const balance = await balanceOf(headers);
    expect(balance.available_cents).toBe(1000);
    expect(balance.ledger.filter((entry) => entry.type === "topup").length).toBe(2);
  });

  test("a missing, wrong or stale signature, or a tampered body, is a 400 and credits nothing", async () => {
    const { headers } = await createUserWithKey(t);
    const created = await call<{ id: string }>("POST", "/api/wallet/topup", headers, { amount_cents: 400 });
    const event = await stripe.checkoutCompleted(created.body.id);
    const genuine = await stripe.checkoutCompleted(created.body.id, { id: event.id });
    const forged = await stripe.signedEvent("checkout.session.completed", stripe.sessions.get(created.body.id)!, { secret: "whsec_attacker" });
    const cases = [
      { payload: event.payload, signature: "" },
      { payload: event.payload, signature: "t=1,v1=deadbeef" },
      { payload: event.payload.replace('"amount_total": 400', '"amount_total": 40000'), signature: event.signature },
      { payload: forged.payload, signature: forged.signature },
    ];
    for (const bad of cases) {
      const reply = await deliver(bad);
      expect(reply.status).toBe(400);
      expect(typeof reply.body.error).toBe("string");
    }
    const unsigned = await t.request("/api/stripe/webhook", { method: "POST", headers: { "content-type": "application/json" }, body: event.payload });
    expect(unsigned.status).toBe(400);
    expect((await balanceOf(headers)).available_cents).toBe(0);
    // The genuine delivery still works afterwards (nothing was recorded for the bad ones).
    expect((await deliver(genuine)).body.duplicate).toBe(false);
    expect((await balanceOf(headers)).available_cents).toBe(400);
  });

  test("Idempotency-Key: the same key and body return the stored session; another body is a 400", async () => {
    const { headers } = await createUserWithKey(t);
    const key = { "idempotency-key": crypto.randomUUID() };
    const a = await call<{ id: string }>("POST", "/api/wallet/topup", headers, { amount_cents: 500 }, key);
    const b = await call<{ id: string }>("POST", "/api/wallet/topup", headers, { amount_cents: 500 }, key);
    expect(b.body.id).toBe(a.body.id);
    expect((await call("POST", "/api/wallet/topup", headers, { amount_cents: 501 }, key)).status).toBe(400);
  });
});

describe("Connect", () => {
  test("creates an Express account once, reuses it, and reports its status from Stripe", async () => {
    const { headers, user } = await createUserWithKey(t);
    expect((await call("GET", "/api/stripe/connect/status", headers)).body).toEqual({
      connected: false,
      account_id: null,
      details_submitted: false,
      charges_enabled: false,
      payouts_enabled: false,
    });
    const first = await call<{ account_id: string; url: string; expires_at: number }>("POST", "/api/stripe/connect", headers);
    expect(first.status).toBe(200);
    expect(first.body.url).toStartWith("https://connect.stripe.test/");
    const again = await call<{ account_id: string }>("POST", "/api/stripe/connect", headers);
    expect(again.body.account_id).toBe(first.body.account_id);
    expect([...stripe.accounts.values()].filter((a) => a.metadata.user_id === user.id).length).toBe(1);
    expect((await call("GET", "/api/stripe/connect/status", headers)).body).toMatchObject({ connected: true, details_submitted: false, payouts_enabled: false });
    stripe.completeOnboarding(first.body.account_id);
    expect((await call("GET", "/api/stripe/connect/status", headers)).body).toEqual({
      connected: true,
      account_id: first.body.account_id,
      details_submitted: true,
      charges_enabled: true,
      payouts_enabled: true,
    });
    // Nobody names another user's account: the routes take no account id at all.
    const other = await createUserWithKey(t);
    expect((await call("GET", "/api/stripe/connect/status", other.headers, undefined)).body).toMatchObject({ connected: false });
    expect((await call("GET", `/api/stripe/connect/status?account_id=${first.body.account_id}`, other.headers)).body).toMatchObject({ connected: false });
  });

  test("account.updated refreshes the stored state; an older one delivered late does not overwrite it", async () => {
    const { headers, user } = await createUserWithKey(t);
    const link = await call<{ account_id: string }>("POST", "/api/stripe/connect", headers);
    const account = stripe.accounts.get(link.body.account_id)!;
    const stored = async () => (await t.platform.services.db.select().from(paymentConnectAccounts).where(eq(paymentConnectAccounts.userId, user.id)))[0];
    const later = Math.floor(Date.now() / 1000) + 60;
    const newer = await stripe.signedEvent("account.updated", { ...account, details_submitted: true, charges_enabled: true, payouts_enabled: true }, { created: later });
    const older = await stripe.signedEvent("account.updated", { ...account, details_submitted: false, charges_enabled: false, payouts_enabled: false }, { created: later - 30 });
    expect((await deliver(newer)).status).toBe(200);
    expect((await deliver(older)).status).toBe(200);
    expect(await stored()).toMatchObject({ detailsSubmitted: true, chargesEnabled: true, payoutsEnabled: true });
  });
});

describe("withdraw", () => {
  test("400 without a connected account or with onboarding incomplete; 402 above withdrawable earnings", async () => {
    const { headers, user } = await createUserWithKey(t);
    await earn(user.id, 1000);
    const none = await call("POST", "/api/wallet/withdraw", headers, { amount_cents: 100 });
    expect(none.status).toBe(400);
    expect(String(none.body.error)).toContain("/api/stripe/connect");
    const link = await call<{ account_id: string }>("POST", "/api/stripe/connect", headers);
    expect((await call("POST", "/api/wallet/withdraw", headers, { amount_cents: 100 })).status).toBe(400);
    stripe.completeOnboarding(link.body.account_id);
    const tooMuch = await call("POST", "/api/wallet/withdraw", headers, { amount_cents: 1001 });
    expect(tooMuch.status).toBe(402);
    expect(typeof tooMuch.body.error).toBe("string");
    // Top-ups are not earnings: they cannot be withdrawn.
    await topUp(headers, 5000);
    expect((await call("POST", "/api/wallet/withdraw", headers, { amount_cents: 1001 })).status).toBe(402);
    expect(stripe.transfers.filter((tr) => tr.destination === link.body.account_id)).toEqual([]);
    expect((await balanceOf(headers)).withdrawable_cents).toBe(1000);
  });

  test("happy path: the transfer is made to the connected account and the withdrawal posted", async () => {
    const { headers, user } = await createUserWithKey(t);
    await earn(user.id, 1500);
    const accountId = await onboarded(headers);
    const reply = await call<Withdrawal>("POST", "/api/wallet/withdraw", headers, { amount_cents: 1200 });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ status: "posted", amount_cents: 1200, failure: null });
    const sent = stripe.transfers.filter((tr) => tr.destination === accountId);
    expect(sent.map((tr) => ({ amount: tr.amount, currency: tr.currency, id: tr.id }))).toEqual([{ amount: 1200, currency: "usd", id: String(reply.body.stripe_transfer_id) }]);
    const balance = await balanceOf(headers);
    expect(balance.withdrawable_cents).toBe(300);
    expect(balance.ledger.find((e) => e.type === "withdraw" && e.account === "earnings")).toMatchObject({ direction: "debit", amount_cents: 1200, status: "posted" });
  });

  test("Stripe refusing the transfer voids it: the money is back in earnings", async () => {
    const { headers, user } = await createUserWithKey(t);
    await earn(user.id, 800);
    await onboarded(headers);
    stripe.failTransfers(1, { kind: "status", status: 400 });
    const reply = await call<Withdrawal>("POST", "/api/wallet/withdraw", headers, { amount_cents: 800 });
    expect(reply.body).toMatchObject({ status: "voided", stripe_transfer_id: null });
    expect(reply.body.failure).toContain("Insufficient funds");
    expect((await balanceOf(headers)).withdrawable_cents).toBe(800);
  });

  test("Stripe answering 500: the withdrawal stays pending (money reserved, not lost), then its queued job posts it once", async () => {
    const { headers, user } = await createUserWithKey(t);
    await earn(user.id, 900);
    const accountId = await onboarded(headers);
    // The SDK retries once itself: both attempts fail, so the inline outcome is unknown.
    stripe.failTransfers(2, { kind: "status", status: 500 });
    const reply = await call<Withdrawal>("POST", "/api/wallet/withdraw", headers, { amount_cents: 600 });
    expect(reply.status).toBe(200);
    expect(reply.body.status).toBe("pending");
    const during = await balanceOf(headers);
    expect(during.withdrawable_cents).toBe(300);
    expect(during.ledger.find((e) => e.reference === reply.body.id)?.status).toBe("pending");
    await waitForStatus(headers, reply.body.id, () => stripe.transfers.filter((tr) => tr.destination === accountId).length);
    const sent = stripe.transfers.filter((tr) => tr.destination === accountId);
    expect(sent.length).toBe(1);
    expect(sent[0]?.amount).toBe(600);
    const after = await balanceOf(headers);
    expect(after.withdrawable_cents).toBe(300);
    expect(after.ledger.find((e) => e.reference === reply.body.id)?.status).toBe("posted");
  });

  test("Stripe timing out: the retry with the same idempotency key finds the one transfer; nothing is paid twice", async () => {
    const { headers, user } = await createUserWithKey(t);
    await earn(user.id, 500);
    const accountId = await onboarded(headers);
    stripe.failTransfers(1, { kind: "hang" });
    const reply = await call<Withdrawal>("POST", "/api/wallet/withdraw", headers, { amount_cents: 500 });
    expect(reply.status).toBe(200);
    if (reply.body.status === "pending") await waitForStatus(headers, reply.body.id, () => 1);
    const sent = stripe.transfers.filter((tr) => tr.destination === accountId);
    expect(sent.length).toBe(1);
    const balance = await balanceOf(headers);
    expect(balance.withdrawable_cents).toBe(0);
    expect(balance.ledger.find((e) => e.reference === reply.body.id)?.status).toBe("posted");
  });
});

describe("concurrent withdrawals", () => {
  test("30 at once against 1,000 cents of earnings: exactly 10 go through, the rest are 402, the balance never goes below zero", async () => {
    const { headers, user } = await createUserWithKey(t);
    await earn(user.id, 1000);
    const accountId = await onboarded(headers);
    const replies = await Promise.all(Array.from({ length: 30 }, () => call<Withdrawal>("POST", "/api/wallet/withdraw", headers, { amount_cents: 100 })));
    const statuses = replies.map((reply) => reply.status).sort();
    expect(statuses.filter((status) => status === 200).length).toBe(10);
    expect(statuses.filter((status) => status === 402).length).toBe(20);
    expect(replies.filter((reply) => reply.status === 200).every((reply) => reply.body.status === "posted")).toBe(true);
    expect(stripe.transfers.filter((tr) => tr.destination === accountId).length).toBe(10);
    expect((await balanceOf(headers)).withdrawable_cents).toBe(0);
  });
});

describe("without payments configured", () => {
  test("the Stripe routes answer 503 with a clear message; the balance still answers", async () => {
    const bare = await startTestPlatform();
    try {
      const { headers } = await createUserWithKey(bare);
      for (const [method, path, body] of [
        ["POST", "/api/wallet/topup", { amount_cents: 1000 }],
        ["POST", "/api/wallet/withdraw", { amount_cents: 1000 }],
        ["POST", "/api/stripe/connect", undefined],
        ["GET", "/api/stripe/connect/status", undefined],
      ] as const) {
        const response = await bare.request(path, { method, headers: { ...headers, ...(body ? { "content-type": "application/json" } : {}) }, body: body ? JSON.stringify(body) : undefined });
        expect(response.status).toBe(503);
        expect(((await response.json()) as { error: string }).error).toContain("STRIPE_SECRET_KEY");
      }
      const webhook = await bare.request("/api/stripe/webhook", { method: "POST", headers: { "content-type": "application/json", "stripe-signature": "t=1,v1=x" }, body: "{}" });
      expect(webhook.status).toBe(503);
      expect((await bare.request("/api/wallet/balance", { headers })).status).toBe(200);
      // The simulator's pages do not exist unless PAYMENTS_DRIVER=simulator.
      expect((await bare.request("/api/stripe/simulator/checkout/cs_sim_0123456789abcdef01234567")).status).toBe(404);
    } finally {
      await bare.stop();
    }
  });
});

describe("simulator", () => {
  test("PAYMENTS_DRIVER=simulator: the checkout URL is a local page that completes the top-up through a signed webhook", async () => {
    const sim = await startTestPlatform({ env: { PAYMENTS_DRIVER: "simulator" } });
    try {
      const { headers } = await createUserWithKey(sim);
      const created = await sim.request("/api/wallet/topup", { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify({ amount_cents: 1234 }) });
      const { id, url } = (await created.json()) as { id: string; url: string };
      expect(url).toBe(`${sim.url}/api/stripe/simulator/checkout/${id}`);
      const page = await fetch(url);
      expect(page.headers.get("content-type")).toContain("text/html");
      expect(await page.text()).toContain("12.34 USD");
      const paid = await fetch(`${url}/complete`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
      expect(await paid.json()).toEqual({ completed: true, webhook_status: 200 });
      // Paying twice credits once.
      await fetch(`${url}/complete`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
      const balance = (await (await sim.request("/api/wallet/balance", { headers })).json()) as Balance;
      expect(balance.available_cents).toBe(1234);
      // Connect and withdraw work end to end too (accounts are onboarded at once).
      expect((await sim.request("/api/stripe/connect", { method: "POST", headers })).status).toBe(200);
    } finally {
      await sim.stop();
    }
  });
});
