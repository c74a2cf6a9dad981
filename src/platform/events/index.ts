import type { Logger } from "../logger.ts";
import { MemoryEventBus } from "./memory.ts";
import { RedisEventBus } from "./redis.ts";
import type { EventBus } from "./types.ts";

export type { EventBus, EventListener, Unsubscribe } from "./types.ts";

export interface EventBusOptions {
  /** Set: Redis pub/sub shared by every replica. Unset: in-process. */
  redisUrl?: string;
  logger: Logger;
  /** Prefix of every Redis channel (default `events:`); lets tests and tenants share one Redis. */
  channelPrefix?: string;
  /** Events a `stream()` holds for a slow consumer before dropping the oldest (default 10,000). */
  maxBuffered?: number;
}

/** The one place that picks the events backend. */
export function createEventBus(options: EventBusOptions): EventBus {
  const logger = options.logger.child({ component: "events" });
  const maxBuffered = options.maxBuffered ?? 10_000;
  if (options.redisUrl) {
    return new RedisEventBus({
      url: options.redisUrl,
      channelPrefix: options.channelPrefix ?? "events:",
      logger,
      maxBuffered,
    });
  }
  return new MemoryEventBus({ logger, maxBuffered });
}
