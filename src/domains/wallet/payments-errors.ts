import { PaymentsError } from "../../../drivers/payments/index.ts";
import { AppError } from "../../platform/errors.ts";

/** A driver failure as the caller sees it: 502, saying what Stripe was asked. */
export function paymentsFailure(what: string, error: unknown): unknown {
  if (error instanceof PaymentsError) return new AppError("BAD_GATEWAY", `Stripe could not ${what}: ${error.message}`);
  return error;
}
