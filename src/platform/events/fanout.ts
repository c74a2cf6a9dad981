import type { Logger } from "../logger.ts";
import type { EventListener } from "./types.ts";

/** One registration; a wrapper so the same function subscribed twice counts twice. */
interface Entry {
  listener: EventListener;
}

/** Local listeners by topic. Delivery is O(listeners of the topic); a failing listener is logged. */
export class Fanout {
  private readonly topics = new Map<string, Set<Entry>>();

  constructor(private readonly logger: Logger) {}

  /** Registers a listener; returns the handle for `remove` and whether the topic was empty. */
  add(topic: string, listener: EventListener): { entry: Entry; first: boolean } {
    let entries = this.topics.get(topic);
    const first = !entries;
    if (!entries) {
      entries = new Set();
      this.topics.set(topic, entries);
    }
    const entry: Entry = { listener };
    entries.add(entry);
    return { entry, first };
  }

  /** Returns true when this removal left the topic without listeners. */
  remove(topic: string, entry: Entry): boolean {
    const entries = this.topics.get(topic);
    if (!entries || !entries.delete(entry)) return false;
    if (entries.size > 0) return false;
    this.topics.delete(topic);
    return true;
  }

  has(topic: string): boolean {
    return this.topics.has(topic);
  }

  count(topic: string): number {
    return this.topics.get(topic)?.size ?? 0;
  }

  deliver(topic: string, payload: unknown): void {
    const entries = this.topics.get(topic);
    if (!entries) return;
    // A snapshot: listeners added while delivering do not see this event.
    for (const entry of [...entries]) {
      try {
        const result: unknown = entry.listener(payload);
        if (result instanceof Promise) result.catch((error: unknown) => this.failed(topic, error));
      } catch (error) {
        this.failed(topic, error);
      }
    }
  }

  clear(): void {
    this.topics.clear();
  }

  private failed(topic: string, error: unknown): void {
    this.logger.error("event listener failed", { topic, error });
  }
}
