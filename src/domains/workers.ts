import type { Services } from "../platform/services.ts";
import { startComputeWorkers } from "./compute/workers.ts";
import { startJobWorkers } from "./jobs/workers.ts";
import { announceSignInTokenReturn } from "./magic-link/dev-token-return.ts";
import { startSandboxWorkers } from "./sandboxes/index.ts";
import { startSessionWorkers } from "./sessions/workers.ts";
import { startWalletWorkers } from "./wallet/workers.ts";

/** Every domain's background work (queue workers, reconcilers) and start-up notices, started with the platform. */
export function startDomainWorkers(services: Services) {
  announceSignInTokenReturn({ env: services.config.env, mailerKind: services.mailer.kind, logger: services.logger });
  const sessions = startSessionWorkers(services, {
    reconcileMs: services.config.devices.reconcileMs,
    allocateLeaseMs: services.config.devices.allocateLeaseMs,
  });
  const compute = startComputeWorkers(services);
  const sandboxes = startSandboxWorkers(services);
  const jobs = startJobWorkers(services);
  const wallet = startWalletWorkers(services);
  return {
    async stop() {
      await wallet.stop();
      await jobs.stop();
      await sandboxes.stop();
      await compute.stop();
      await sessions.stop();
    },
  };
}
