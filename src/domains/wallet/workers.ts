import { PaymentsError } from "../../../drivers/payments/index.ts";
import type { Services } from "../../platform/services.ts";
import { walletDeps } from "./deps.ts";
import { settleWithdrawal, WITHDRAW_QUEUE, type WithdrawJob } from "./withdrawals.ts";

/**
 * The wallet's background work: the withdrawal queue's worker. Each withdrawal is enqueued in the
 * transaction that reserved its money, so one interrupted anywhere (Stripe silent, the process
 * killed) is finished here: posted or voided on Stripe's answer, retried with backoff until then.
 */
export function startWalletWorkers(services: Services) {
  if (!services.modules.wallet.payments) return { async stop() {} };
  const worker = services.queue.work<WithdrawJob>(WITHDRAW_QUEUE, async (job) => {
    try {
      const row = await settleWithdrawal(walletDeps(services), job.payload.withdrawalId);
      return { status: row.status };
    } catch (error) {
      if (error instanceof PaymentsError && job.attempt >= job.maxAttempts) {
        // Still no answer after every retry: the money stays reserved (never lost, never paid twice) for a person to look at.
        services.logger.error("withdrawal still has no outcome from Stripe after every retry; left pending", { withdrawal: job.payload.withdrawalId, error: error.message });
      }
      throw error;
    }
  });
  return {
    async stop() {
      await worker.stop();
    },
  };
}
