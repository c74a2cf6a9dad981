/** The payments driver (see types.ts): the one factory. */
import { createSimulatorPaymentsDriver } from "./simulator.ts";
import { createStripePaymentsDriver } from "./stripe.ts";
import type { PaymentsDriver } from "./types.ts";

export type * from "./types.ts";
export { PaymentsError, WebhookSignatureError } from "./types.ts";

export interface PaymentsSettings {
  driver: "stripe" | "simulator";
  stripeSecretKey?: string | undefined;
  webhookSecret?: string | undefined;
  apiBase?: string | undefined;
  timeoutMs: number;
}

/**
 * The one place that chooses a payments driver: the simulator when asked for, Stripe when a secret
 * key is configured, else none (null: the Stripe routes answer 503). `fallbackWebhookSecret` signs
 * the simulator's webhooks when STRIPE_WEBHOOK_SECRET is unset.
 */
export function createPaymentsDriver(settings: PaymentsSettings, deps: { baseUrl: () => string; fallbackWebhookSecret: string }): PaymentsDriver | null {
  if (settings.driver === "simulator") {
    return createSimulatorPaymentsDriver({ webhookSecret: settings.webhookSecret ?? deps.fallbackWebhookSecret, baseUrl: deps.baseUrl });
  }
  if (!settings.stripeSecretKey || !settings.webhookSecret) return null;
  return createStripePaymentsDriver({
    secretKey: settings.stripeSecretKey,
    webhookSecret: settings.webhookSecret,
    timeoutMs: settings.timeoutMs,
    ...(settings.apiBase ? { apiBase: settings.apiBase } : {}),
  });
}
