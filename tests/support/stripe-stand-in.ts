import Stripe from "stripe";

/**
 * A local stand-in for the parts of Stripe's API the payments driver calls, so the tests run the
 * official `stripe` SDK (pointed here with STRIPE_API_BASE: its host/port/protocol options) against
 * Stripe's form encoding, response shapes, error shape and Idempotency-Key semantics:
 * POST /v1/checkout/sessions, POST /v1/accounts, GET /v1/accounts/:id, POST /v1/account_links,
 * POST /v1/transfers. Webhooks are signed by the SDK's own helper (generateTestHeaderStringAsync;
 * the synchronous one throws under Bun). Faults are injected per endpoint: answer 5xx/4xx or hang.
 */
export interface StandInAccount {
  id: string;
  object: "account";
  type: "express";
  country: string;
  email: string | null;
  details_submitted: boolean;
  charges_enabled: boolean;
  payouts_enabled: boolean;
  metadata: Record<string, string>;
  created: number;
}

export interface StandInTransfer {
  id: string;
  object: "transfer";
  amount: number;
  currency: string;
  destination: string;
  metadata: Record<string, string>;
  created: number;
  idempotencyKey: string | null;
}

export interface StandInSession {
  id: string;
  object: "checkout.session";
  amount_total: number;
  currency: string;
  client_reference_id: string | null;
  metadata: Record<string, string>;
  mode: string;
  payment_status: "unpaid" | "paid";
  status: "open" | "complete";
  url: string;
  success_url: string;
  cancel_url: string | null;
}

type Fault = { kind: "status"; status: number } | { kind: "hang" };

export interface StripeStandIn {
  url: string;
  secretKey: string;
  webhookSecret: string;
  /** Environment for startTestPlatform. */
  env(extra?: Record<string, string>): Record<string, string>;
  sessions: Map<string, StandInSession>;
  accounts: Map<string, StandInAccount>;
  transfers: StandInTransfer[];
  /** Every request received, `METHOD /path`. */
  requests: string[];
  /** The next `count` calls to `POST /v1/transfers` answer `status` (or hang until stop) — but a hung call still creates the transfer, as a lost response would. */
  failTransfers(count: number, fault: Fault): void;
  completeOnboarding(accountId: string): void;
  /** A webhook delivery body and its Stripe-Signature header (`secret` to sign with another secret). */
  signedEvent(type: string, object: object, options?: { id?: string; created?: number; secret?: string }): Promise<{ payload: string; signature: string; id: string }>;
  /** `checkout.session.completed` for a session, paid. */
  checkoutCompleted(sessionId: string, options?: { id?: string }): Promise<{ payload: string; signature: string; id: string }>;
  stop(): Promise<void>;
}

const rand = (prefix: string) => `${prefix}_${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`;
const now = () => Math.floor(Date.now() / 1000);

/** `a[b][0][c]=1` form encoding, as the SDK writes it, into nested objects (arrays as objects keyed by index). */
export function parseStripeForm(body: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const path = key.replace(/\]/g, "").split("[");
    let node = out;
    for (const [i, part] of path.entries()) {
      if (i === path.length - 1) node[part] = value;
      else node = (node[part] ??= {}) as Record<string, unknown>;
    }
  }
  return out;
}

function stripeError(status: number, type: string, message: string): Response {
  return Response.json({ error: { type, message } }, { status, headers: { "request-id": rand("req") } });
}

export async function startStripeStandIn(): Promise<StripeStandIn> {
  const secretKey = `sk_test_${crypto.randomUUID().replaceAll("-", "")}`;
  const webhookSecret = `whsec_${crypto.randomUUID().replaceAll("-", "")}`;
  const sessions = new Map<string, StandInSession>();
  const accounts = new Map<string, StandInAccount>();
  const transfers: StandInTransfer[] = [];
  const requests: string[] = [];
  const faults: Fault[] = [];
  const idempotent = new Map<string, { status: number; body: unknown }>();
  const hung: Array<() => void> = [];
  let stopping = false;
  const sdk = new Stripe(secretKey);

  const handle = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    requests.push(`${request.method} ${url.pathname}`);
    if (request.headers.get("authorization") !== `Bearer ${secretKey}`) return stripeError(401, "invalid_request_error", "Invalid API Key provided");
    const params = request.method === "POST" ? parseStripeForm(await request.text()) : {};
    const key = request.headers.get("idempotency-key");
    const scope = key ? `${request.method} ${url.pathname} ${key}` : null;
    if (scope && idempotent.has(scope)) {
      const kept = idempotent.get(scope)!;
      return Response.json(kept.body, { status: kept.status, headers: { "idempotent-replayed": "true" } });
    }
    const keep = (status: number, body: unknown) => {
      if (scope && status < 500) idempotent.set(scope, { status, body });
      return Response.json(body, { status });
    };

    if (request.method === "POST" && url.pathname === "/v1/checkout/sessions") {
      const items = params.line_items as Record<string, { price_data: { currency: string; unit_amount: string }; quantity: string }>;
      const item = items?.["0"];
      if (!item) return stripeError(400, "invalid_request_error", "Missing required param: line_items.");
      const id = rand("cs_test");
      const session: StandInSession = {
        id,
        object: "checkout.session",
        amount_total: Number(item.price_data.unit_amount) * Number(item.quantity),
        currency: item.price_data.currency,
        client_reference_id: (params.client_reference_id as string) ?? null,
        metadata: (params.metadata as Record<string, string>) ?? {},
        mode: params.mode as string,
        payment_status: "unpaid",
        status: "open",
        url: `https://checkout.stripe.test/c/pay/${id}`,
        success_url: params.success_url as string,
        cancel_url: (params.cancel_url as string) ?? null,
      };
      sessions.set(id, session);
      return keep(200, session);
    }
    if (request.method === "POST" && url.pathname === "/v1/accounts") {
      const account: StandInAccount = {
        id: rand("acct"),
        object: "account",
        type: "express",
        country: (params.country as string) ?? "US",
        email: (params.email as string) ?? null,
        details_submitted: false,
        charges_enabled: false,
        payouts_enabled: false,
        metadata: (params.metadata as Record<string, string>) ?? {},
        created: now(),
      };
      accounts.set(account.id, account);
      return keep(200, account);
    }
    const accountPath = /^\/v1\/accounts\/(acct_\w+)$/.exec(url.pathname);
    if (request.method === "GET" && accountPath) {
      const account = accounts.get(accountPath[1]!);
      if (!account) return stripeError(404, "invalid_request_error", `No such account: '${accountPath[1]}'`);
      return Response.json(account);
    }
    if (request.method === "POST" && url.pathname === "/v1/account_links") {
      const account = accounts.get(params.account as string);
      if (!account) return stripeError(400, "invalid_request_error", `No such account: '${String(params.account)}'`);
      return keep(200, { object: "account_link", created: now(), expires_at: now() + 300, url: `https://connect.stripe.test/setup/e/${account.id}/${rand("link")}` });
    }
    if (request.method === "POST" && url.pathname === "/v1/transfers") {
      const fault = faults.shift();
      if (fault?.kind === "status") {
        return fault.status >= 500 ? stripeError(fault.status, "api_error", "Something went wrong on Stripe's end.") : keep(fault.status, { error: { type: "invalid_request_error", message: "Insufficient funds in Stripe account." } });
      }
      const destination = params.destination as string;
      if (!accounts.has(destination)) return keep(400, { error: { type: "invalid_request_error", message: `No such destination: '${destination}'` } });
      const transfer: StandInTransfer = {
        id: rand("tr"),
        object: "transfer",
        amount: Number(params.amount),
        currency: params.currency as string,
        destination,
        metadata: (params.metadata as Record<string, string>) ?? {},
        created: now(),
        idempotencyKey: key,
      };
      transfers.push(transfer);
      const { idempotencyKey: _hidden, ...body } = transfer;
      const response = keep(200, body);
      if (fault?.kind === "hang" && !stopping) {
        // The transfer exists, but its answer never arrives (the caller times out).
        await new Promise<void>((resolve) => hung.push(resolve));
      }
      return response;
    }
    return stripeError(404, "invalid_request_error", `Unrecognized request URL (${request.method}: ${url.pathname}).`);
  };

  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", idleTimeout: 0, fetch: handle });
  const url = `http://127.0.0.1:${server.port}`;

  const signedEvent: StripeStandIn["signedEvent"] = async (type, object, options = {}) => {
    const id = options.id ?? rand("evt");
    const payload = JSON.stringify({ id, object: "event", api_version: "2025-01-01", created: options.created ?? now(), type, livemode: false, data: { object } }, null, 2);
    const signature = await sdk.webhooks.generateTestHeaderStringAsync({ payload, secret: options.secret ?? webhookSecret });
    return { payload, signature, id };
  };

  return {
    url,
    secretKey,
    webhookSecret,
    env: (extra = {}) => ({ STRIPE_SECRET_KEY: secretKey, STRIPE_WEBHOOK_SECRET: webhookSecret, STRIPE_API_BASE: url, ...extra }),
    sessions,
    accounts,
    transfers,
    requests,
    failTransfers(count, fault) {
      for (let i = 0; i < count; i++) faults.push(fault);
    },
    completeOnboarding(accountId) {
      const account = accounts.get(accountId);
      if (!account) throw new Error(`no stand-in account ${accountId}`);
      Object.assign(account, { details_submitted: true, charges_enabled: true, payouts_enabled: true });
    },
    signedEvent,
    async checkoutCompleted(sessionId, options = {}) {
      const session = sessions.get(sessionId);
      if (!session) throw new Error(`no stand-in session ${sessionId}`);
      Object.assign(session, { payment_status: "paid", status: "complete" });
      return signedEvent("checkout.session.completed", session, options);
    },
    async stop() {
      stopping = true;
      for (const release of hung.splice(0)) release();
      await server.stop(true);
    },
  };
}
