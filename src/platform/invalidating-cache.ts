import type { EventBus } from "./events/types.ts";
import type { Logger } from "./logger.ts";

/**
 * A small in-process TTL cache whose entries every replica drops when any replica publishes an
 * invalidation on the events bus. Used where a lookup is hot (API keys) but revocation must be
 * felt everywhere within a second.
 */
export interface InvalidatingCache<T> {
  get(key: string): T | undefined;
  set(key: string, value: T, tags: string[]): void;
  /** Drops the entries under these keys or tags, here and on every replica. */
  invalidate(keysOrTags: string[]): Promise<void>;
  close(): Promise<void>;
}

interface Entry<T> {
  value: T;
  expiresAt: number;
  tags: string[];
}

export async function createInvalidatingCache<T>(options: {
  bus: EventBus;
  topic: string;
  ttlMs: number;
  maxEntries?: number;
  logger: Logger;
}): Promise<InvalidatingCache<T>> {
  const entries = new Map<string, Entry<T>>();
  const byTag = new Map<string, Set<string>>();
  const maxEntries = options.maxEntries ?? 10_000;

  const drop = (key: string) => {
    const entry = entries.get(key);
    if (!entry) return;
    entries.delete(key);
    for (const tag of entry.tags) byTag.get(tag)?.delete(key);
  };
  const dropLocal = (keysOrTags: string[]) => {
    for (const item of keysOrTags) {
      drop(item);
      for (const key of byTag.get(item) ?? []) drop(key);
      byTag.delete(item);
    }
  };
  const unsubscribe = await options.bus.subscribe(options.topic, (payload) => {
    if (Array.isArray(payload)) dropLocal(payload.filter((p): p is string => typeof p === "string"));
  });

  return {
    get(key) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (entry.expiresAt <= Date.now()) {
        drop(key);
        return undefined;
      }
      return entry.value;
    },
    set(key, value, tags) {
      drop(key);
      if (entries.size >= maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest !== undefined) drop(oldest);
      }
      entries.set(key, { value, expiresAt: Date.now() + options.ttlMs, tags });
      for (const tag of tags) {
        let keys = byTag.get(tag);
        if (!keys) byTag.set(tag, (keys = new Set()));
        keys.add(key);
      }
    },
    async invalidate(keysOrTags) {
      dropLocal(keysOrTags);
      await options.bus.publish(options.topic, keysOrTags);
    },
    close: unsubscribe,
  };
}
