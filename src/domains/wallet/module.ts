import { createHmac } from "node:crypto";
import { createPaymentsDriver, type PaymentsDriver } from "../../../drivers/payments/index.ts";
import type { PaymentsConfig } from "../../config/payments.ts";
import { createLedger, type Ledger } from "../../platform/ledger/index.ts";

/** The wallet's per-process parts, built once by the composition root. */
export interface WalletModule {
  /** The platform ledger (stateless; every call takes the database or the caller's transaction). */
  ledger: Ledger;
  /** Stripe, the simulator, or null when payments are not configured (the Stripe routes answer 503). */
  payments: PaymentsDriver | null;
}

export function createWalletModule(deps: { config: PaymentsConfig; baseUrl: () => string; signingSecret: string }): WalletModule {
  // The simulator signs its webhooks with STRIPE_WEBHOOK_SECRET, or a secret derived from the platform's own.
  const fallbackWebhookSecret = `whsec_${createHmac("sha256", deps.signingSecret).update("payments-simulator-webhook").digest("hex")}`;
  return { ledger: createLedger(), payments: createPaymentsDriver(deps.config, { baseUrl: deps.baseUrl, fallbackWebhookSecret }) };
}

declare module "../../platform/services.ts" {
  interface DomainModules {
    wallet: WalletModule;
  }
}
