import type { Services } from "../platform/services.ts";
import { startSessionWorkers } from "./sessions/workers.ts";

/** Every domain's background work (queue workers, reconcilers), started with the platform. */
export function startDomainWorkers(services: Services) {
  const sessions = startSessionWorkers(services, {
    reconcileMs: services.config.devices.reconcileMs,
    allocateLeaseMs: services.config.devices.allocateLeaseMs,
  });
  return {
    async stop() {
      await sessions.stop();
    },
  };
}
