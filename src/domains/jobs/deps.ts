import type { Db } from "../../../db/connection.ts";
import type { ContainerDriver } from "../../../drivers/container/types.ts";
import type { JobsConfig } from "../../config/jobs.ts";
import type { EventBus } from "../../platform/events/types.ts";
import type { Ledger } from "../../platform/ledger/index.ts";
import type { WorkQueue } from "../../platform/queue/index.ts";
import type { Services } from "../../platform/services.ts";

/** What the jobs services use: the database, the ledger, the bus (logs), the queue (verification), the container driver (command verifiers). */
export interface MarketDeps {
  db: Db;
  ledger: Ledger;
  bus: EventBus;
  queue: WorkQueue;
  containers: ContainerDriver;
  config: JobsConfig;
  baseUrl: string;
}

export function marketDeps(services: Services): MarketDeps {
  return {
    db: services.db,
    ledger: services.modules.jobs.ledger,
    bus: services.bus,
    queue: services.queue,
    containers: services.containers,
    config: services.config.jobs,
    baseUrl: services.baseUrl(),
  };
}
