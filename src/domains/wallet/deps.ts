import type { Db } from "../../../db/connection.ts";
import type { PaymentsDriver } from "../../../drivers/payments/index.ts";
import type { PaymentsConfig } from "../../config/payments.ts";
import { AppError } from "../../platform/errors.ts";
import type { Ledger } from "../../platform/ledger/index.ts";
import type { Logger } from "../../platform/logger.ts";
import type { WorkQueue } from "../../platform/queue/index.ts";
import type { Services } from "../../platform/services.ts";

/** The market's single currency (Stripe writes it lower case). */
export const WALLET_CURRENCY = "usd";

/** What the wallet and Stripe services use. */
export interface WalletDeps {
  db: Db;
  ledger: Ledger;
  payments: PaymentsDriver | null;
  queue: WorkQueue;
  config: PaymentsConfig;
  baseUrl: string;
  logger: Logger;
}

export function walletDeps(services: Services): WalletDeps {
  return {
    db: services.db,
    ledger: services.modules.wallet.ledger,
    payments: services.modules.wallet.payments,
    queue: services.queue,
    config: services.config.payments,
    baseUrl: services.baseUrl(),
    logger: services.logger,
  };
}

/** The payments driver, or 503 saying how to configure one. */
export function requirePayments(deps: { payments: PaymentsDriver | null }): PaymentsDriver {
  if (deps.payments) return deps.payments;
  throw new AppError(
    "UNAVAILABLE",
    "Payments are not configured on this server: set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET, or PAYMENTS_DRIVER=simulator for local development",
  );
}

/** A bigint balance as a JSON number (cents stay far below 2^53; beyond it is a bug worth a 500). */
export function centsNumber(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new AppError("INTERNAL", "A balance exceeds what JSON numbers carry exactly");
  }
  return Number(value);
}
