/**
 * The payments driver: money in (Checkout top-ups), money out (Connect transfers) and the signed
 * webhooks that report what happened. Chosen in one place, `index.ts`:
 * - `stripe.ts` — the official `stripe` SDK (23.x). Used when STRIPE_SECRET_KEY is set; STRIPE_API_BASE
 *   points it at another host (the tests' stand-in, tests/support/stripe-stand-in.ts).
 * - `simulator.ts` — development only (PAYMENTS_DRIVER=simulator): no network; checkout URLs are a
 *   local page that completes the payment by posting a correctly signed webhook to the platform,
 *   Connect accounts are onboarded at once and transfers always succeed.
 * Without either, there is no driver and the Stripe routes answer 503.
 *
 * Amounts are integer cents (JavaScript numbers: callers keep them within Number.MAX_SAFE_INTEGER).
 * Drivers import nothing from src/; their errors are the classes below, mapped by the calling domain.
 */

export interface CheckoutSessionInput {
  amountCents: number;
  currency: string;
  /** The paying user; echoed back in the completed session. */
  clientReferenceId: string;
  successUrl: string;
  cancelUrl: string;
  /** Sent as Stripe's Idempotency-Key: a retried create returns the same session. */
  idempotencyKey: string;
  metadata?: Record<string, string>;
}

export interface CheckoutSession {
  id: string;
  url: string;
}

export interface ConnectAccountState {
  id: string;
  detailsSubmitted: boolean;
  chargesEnabled: boolean;
  payoutsEnabled: boolean;
}

export interface CompletedCheckout {
  id: string;
  amountTotal: number | null;
  currency: string | null;
  /** `paid`, `unpaid` (an asynchronous method still settling) or `no_payment_required`. */
  paymentStatus: string;
  clientReferenceId: string | null;
}

/** A verified webhook event, narrowed to what the platform acts on. */
export type PaymentEvent =
  | { id: string; created: number; type: "checkout.session.completed" | "checkout.session.async_payment_succeeded"; session: CompletedCheckout }
  | { id: string; created: number; type: "account.updated"; account: ConnectAccountState }
  | { id: string; created: number; type: "other"; eventType: string };

export interface TransferInput {
  amountCents: number;
  currency: string;
  /** The connected account (`acct_…`). */
  destination: string;
  /** Sent as Stripe's Idempotency-Key, so a retry after a timeout cannot pay twice. */
  idempotencyKey: string;
  metadata?: Record<string, string>;
}

/**
 * A call to the payment provider that failed. `outcome` says what is known:
 * - `refused`: the provider answered with a definite no (4xx): nothing happened, safe to undo;
 * - `unknown`: no definite answer (5xx, timeout, connection lost): it may have happened; retry with
 *   the same idempotency key.
 */
export class PaymentsError extends Error {
  constructor(
    message: string,
    readonly outcome: "refused" | "unknown",
    readonly status?: number,
  ) {
    super(message);
    this.name = "PaymentsError";
  }
}

/** A webhook whose Stripe-Signature is missing, malformed, stale or wrong. */
export class WebhookSignatureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WebhookSignatureError";
  }
}

export interface PaymentsDriver {
  readonly kind: "stripe" | "simulator";
  createCheckoutSession(input: CheckoutSessionInput): Promise<CheckoutSession>;
  /** Checks the Stripe-Signature header over the exact payload; throws WebhookSignatureError. */
  verifyWebhook(payload: string, signatureHeader: string | null): Promise<PaymentEvent>;
  createConnectAccount(input: { email?: string; country: string; idempotencyKey: string; metadata?: Record<string, string> }): Promise<ConnectAccountState>;
  createAccountLink(input: { accountId: string; refreshUrl: string; returnUrl: string }): Promise<{ url: string; expiresAt: number }>;
  retrieveAccount(accountId: string): Promise<ConnectAccountState>;
  createTransfer(input: TransferInput): Promise<{ id: string }>;
  /** The simulator only: a signed `checkout.session.completed` event for its local checkout page to deliver. */
  signCompletedCheckout?(session: CompletedCheckout): Promise<{ payload: string; signature: string }>;
}
