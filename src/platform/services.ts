import type { Config } from "../config/index.ts";
import type { ContainerDriver } from "../../drivers/container/types.ts";
import type { DeviceDriver } from "../../drivers/device/types.ts";
import type { DatabaseHandle, Db } from "../../db/connection.ts";
import type { BlobStore } from "./blobs/types.ts";
import type { EventBus } from "./events/types.ts";
import type { InvalidatingCache } from "./invalidating-cache.ts";
import type { Logger } from "./logger.ts";
import type { CachedPrincipal } from "../auth/api-keys.ts";
import type { Mailer } from "./mail/types.ts";
import type { WorkQueue } from "./queue/index.ts";
import type { RateLimiter } from "./rate-limit/types.ts";
import type { StreamSlots } from "./stream-slots.ts";

/**
 * Each domain's per-process state, built at start-up by the composition root. Empty here: a
 * domain's module.ts adds its entry (declaration merging), so this layer never names a domain.
 */
export interface DomainModules {}

/** Everything a procedure may reach, built once per process by `createServices`. */
export interface Services {
  config: Config;
  logger: Logger;
  database: DatabaseHandle;
  db: Db;
  bus: EventBus;
  queue: WorkQueue;
  limiter: RateLimiter;
  blobs: BlobStore;
  mailer: Mailer;
  /** Docker/Podman, or the simulator when no engine answers (logged loudly at start). */
  containers: ContainerDriver;
  /** Android devices: the redroid container spec and ADB. */
  devices: DeviceDriver;
  signingSecret: string;
  /** PUBLIC_URL, or the address this process listens on: the base of every link it hands out. */
  baseUrl(): string;
  /** Resolved API-key principals; revocation invalidates every replica's copy through the bus. */
  principalCache: InvalidatingCache<CachedPrincipal>;
  /** Aborted when shutdown begins: long-lived streams end themselves on it. */
  shutdownSignal: AbortSignal;
  /** Each user's open session event streams in this process (SESSION_STREAMS_PER_USER). */
  sessionStreams: StreamSlots;
  modules: DomainModules;
}

export type { CachedPrincipal };
