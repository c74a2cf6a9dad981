import type { Services } from "../../platform/services.ts";
import { pollPurchases, type WatcherDeps } from "./watcher.ts";
import { PROVISION_QUEUE, recordPendingVm, type ProvisionJob } from "./provisioning.ts";

/**
 * The compute domain's background work: the purchase watcher (polls the chain every CHAIN_POLL_MS)
 * and the provisioning queue's worker. Nothing starts when no chain is configured.
 */
export function startComputeWorkers(services: Services) {
  const chain = services.modules.compute.chain;
  if (!chain) return { async stop() {} };
  const { logger } = services;
  const settings = services.config.chain;
  const deps: WatcherDeps = {
    db: services.db,
    chain,
    queue: services.queue,
    logger,
    confirmations: settings.confirmations,
    startBlock: settings.startBlock,
    logRange: settings.logRange,
    reorgRewind: settings.reorgRewind,
  };
  const provision = services.queue.work<ProvisionJob>(PROVISION_QUEUE, (job) => recordPendingVm(services.db, job.payload), { concurrency: 2 });

  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let current: Promise<unknown> = Promise.resolve();
  let failures = 0;
  const loop = () => {
    current = pollPurchases(deps)
      .then(() => {
        if (failures > 0) logger.info("purchase watcher reaches the chain again", { after_failures: failures });
        failures = 0;
      })
      .catch((error: unknown) => {
        // Logged on the first failure and then every 30th, so a chain that is down does not flood the log.
        if (failures++ % 30 === 0) logger.warn("purchase watcher poll failed", { error: error instanceof Error ? error.message : String(error), failures });
      })
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, settings.pollMs);
      });
  };
  loop();

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await current;
      await provision.stop();
    },
  };
}
