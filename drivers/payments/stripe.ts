import Stripe from "stripe";
import {
  PaymentsError,
  WebhookSignatureError,
  type CheckoutSession,
  type CheckoutSessionInput,
  type CompletedCheckout,
  type ConnectAccountState,
  type PaymentEvent,
  type PaymentsDriver,
  type TransferInput,
} from "./types.ts";

export interface StripeDriverOptions {
  secretKey: string;
  webhookSecret: string;
  /** Another base URL for the API (`http://127.0.0.1:12111`): protocol, host and port are taken from it. */
  apiBase?: string;
  timeoutMs: number;
}

/** The SDK's client options: Stripe itself, or the host, port and protocol of `apiBase`. */
export function stripeClientOptions(options: { apiBase?: string; timeoutMs: number }): ConstructorParameters<typeof Stripe>[1] {
  const base = options.apiBase ? new URL(options.apiBase) : undefined;
  const protocol = base?.protocol === "http:" ? "http" : "https";
  return {
    timeout: options.timeoutMs,
    maxNetworkRetries: 1,
    telemetry: false,
    ...(base ? { host: base.hostname, port: base.port || (protocol === "http" ? 80 : 443), protocol } : {}),
  };
}

/** The payments driver on the official `stripe` SDK. */
export function createStripePaymentsDriver(options: StripeDriverOptions): PaymentsDriver {
  const stripe = new Stripe(options.secretKey, stripeClientOptions(options));
  return {
    kind: "stripe",
    async createCheckoutSession(input: CheckoutSessionInput): Promise<CheckoutSession> {
      const session = await call(() =>
        stripe.checkout.sessions.create(
          {
            mode: "payment",
            line_items: [{ quantity: 1, price_data: { currency: input.currency, unit_amount: input.amountCents, product_data: { name: "Wallet top-up" } } }],
            client_reference_id: input.clientReferenceId,
            success_url: input.successUrl,
            cancel_url: input.cancelUrl,
            ...(input.metadata ? { metadata: input.metadata } : {}),
          },
          { idempotencyKey: input.idempotencyKey },
        ),
      );
      if (!session.url) throw new PaymentsError("Stripe returned a checkout session without a URL", "refused");
      return { id: session.id, url: session.url };
    },
    async verifyWebhook(payload, signatureHeader) {
      if (!signatureHeader) throw new WebhookSignatureError("Missing Stripe-Signature header");
      let event: Stripe.Event;
      try {
        // The synchronous constructEvent throws under Bun (SubtleCrypto is asynchronous only).
        event = await stripe.webhooks.constructEventAsync(payload, signatureHeader, options.webhookSecret);
      } catch (error) {
        throw new WebhookSignatureError(error instanceof Error ? error.message : "Invalid Stripe-Signature");
      }
      return toPaymentEvent(event);
    },
    async createConnectAccount(input) {
      const account = await call(() =>
        stripe.accounts.create(
          { type: "express", country: input.country, ...(input.email ? { email: input.email } : {}), ...(input.metadata ? { metadata: input.metadata } : {}) },
          { idempotencyKey: input.idempotencyKey },
        ),
      );
      return accountState(account);
    },
    async createAccountLink(input) {
      const link = await call(() =>
        stripe.accountLinks.create({ account: input.accountId, type: "account_onboarding", refresh_url: input.refreshUrl, return_url: input.returnUrl }),
      );
      return { url: link.url, expiresAt: link.expires_at };
    },
    async retrieveAccount(accountId) {
      return accountState(await call(() => stripe.accounts.retrieve(accountId)));
    },
    async createTransfer(input: TransferInput) {
      const transfer = await call(() =>
        stripe.transfers.create(
          { amount: input.amountCents, currency: input.currency, destination: input.destination, ...(input.metadata ? { metadata: input.metadata } : {}) },
          { idempotencyKey: input.idempotencyKey },
        ),
      );
      return { id: transfer.id };
    },
  };
}

function accountState(account: Stripe.Account): ConnectAccountState {
  return {
    id: account.id,
    detailsSubmitted: account.details_submitted === true,
    chargesEnabled: account.charges_enabled === true,
    payoutsEnabled: account.payouts_enabled === true,
  };
}

export function toPaymentEvent(event: Stripe.Event): PaymentEvent {
  switch (event.type) {
    case "checkout.session.completed":
    case "checkout.session.async_payment_succeeded": {
      const session = event.data.object;
      const completed: CompletedCheckout = {
        id: session.id,
        amountTotal: session.amount_total ?? null,
        currency: session.currency ?? null,
        paymentStatus: session.payment_status,
        clientReferenceId: session.client_reference_id ?? null,
      };
      return { id: event.id, created: event.created, type: event.type, session: completed };
    }
    case "account.updated":
      return { id: event.id, created: event.created, type: "account.updated", account: accountState(event.data.object) };
    default:
      return { id: event.id, created: event.created, type: "other", eventType: event.type };
  }
}

/**
 * Runs one SDK call, turning its errors into PaymentsError: a 4xx other than 409/429 is a definite
 * refusal; a 5xx, 409 (a concurrent request with the same idempotency key), 429, a timeout or a
 * lost connection leaves the outcome unknown.
 */
async function call<T>(request: () => Promise<T>): Promise<T> {
  try {
    return await request();
  } catch (error) {
    if (error instanceof Stripe.errors.StripeError) {
      const status = error.statusCode;
      const definite = status !== undefined && status >= 400 && status < 500 && status !== 409 && status !== 429;
      throw new PaymentsError(`Stripe: ${error.message}`, definite ? "refused" : "unknown", status);
    }
    throw new PaymentsError(`Stripe: ${error instanceof Error ? error.message : String(error)}`, "unknown");
  }
}
