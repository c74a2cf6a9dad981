import Stripe from "stripe";
import { toPaymentEvent } from "./stripe.ts";
import { WebhookSignatureError, type CompletedCheckout, type ConnectAccountState, type PaymentsDriver } from "./types.ts";

export interface SimulatorDriverOptions {
  /** Signs and verifies the simulated webhooks (the same scheme as Stripe's). */
  webhookSecret: string;
  /** Where the platform answers: its local checkout page lives under it. */
  baseUrl: () => string;
}

function randomId(prefix: string): string {
  return `${prefix}_sim_${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`;
}

/**
 * Development payments with no Stripe account (PAYMENTS_DRIVER=simulator): a checkout URL is the
 * platform's own page (`/api/stripe/simulator/checkout/:id`), which completes the payment by
 * posting a signed `checkout.session.completed` to `/api/stripe/webhook`, exactly as Stripe would.
 * Connect accounts are onboarded at once; transfers always succeed. Nothing leaves the process.
 */
export function createSimulatorPaymentsDriver(options: SimulatorDriverOptions): PaymentsDriver {
  // Only the SDK's webhook signing is used: no request is ever sent with this key.
  const stripe = new Stripe("sk_simulator_offline");
  const onboarded = (id: string): ConnectAccountState => ({ id, detailsSubmitted: true, chargesEnabled: true, payoutsEnabled: true });
  const sessions = new Map<string, string>();
  return {
    kind: "simulator",
    async createCheckoutSession(input) {
      const existing = sessions.get(input.idempotencyKey);
      const id = existing ?? randomId("cs");
      sessions.set(input.idempotencyKey, id);
      return { id, url: `${options.baseUrl()}/api/stripe/simulator/checkout/${id}` };
    },
    async verifyWebhook(payload, signatureHeader) {
      if (!signatureHeader) throw new WebhookSignatureError("Missing Stripe-Signature header");
      try {
        return toPaymentEvent(await stripe.webhooks.constructEventAsync(payload, signatureHeader, options.webhookSecret));
      } catch (error) {
        throw new WebhookSignatureError(error instanceof Error ? error.message : "Invalid Stripe-Signature");
      }
    },
    async createConnectAccount() {
      return onboarded(randomId("acct"));
    },
    async createAccountLink(input) {
      return { url: input.returnUrl, expiresAt: Math.floor(Date.now() / 1000) + 300 };
    },
    async retrieveAccount(accountId) {
      return onboarded(accountId);
    },
    async createTransfer() {
      return { id: randomId("tr") };
    },
    async signCompletedCheckout(session: CompletedCheckout) {
      const payload = JSON.stringify(
        {
          id: randomId("evt"),
          object: "event",
          created: Math.floor(Date.now() / 1000),
          type: "checkout.session.completed",
          data: {
            object: {
              id: session.id,
              object: "checkout.session",
              amount_total: session.amountTotal,
              currency: session.currency,
              payment_status: session.paymentStatus,
              client_reference_id: session.clientReferenceId,
            },
          },
        },
        null,
        2,
      );
      const signature = await stripe.webhooks.generateTestHeaderStringAsync({ payload, secret: options.webhookSecret });
      return { payload, signature };
    },
  };
}
