import type { Logger } from "../logger.ts";
import { decodePayload, encodePayload } from "./codec.ts";
import { Fanout } from "./fanout.ts";
import { TopicStream } from "./stream.ts";
import type { EventBus, EventStream, EventListener, Unsubscribe } from "./types.ts";

/** In-process bus: one process, no network. Listeners run inside `publish`, before it resolves. */
export class MemoryEventBus implements EventBus {
  private readonly fanout: Fanout;
  private readonly closed = new AbortController();
  readonly resubscriptions = 0;

  constructor(private readonly options: { logger: Logger; maxBuffered: number }) {
    this.fanout = new Fanout(options.logger);
  }

  async publish(topic: string, payload: unknown): Promise<void> {
    this.assertOpen();
    const text = encodePayload(payload);
    if (this.fanout.has(topic)) this.fanout.deliver(topic, decodePayload(text));
  }

  async subscribe(topic: string, listener: EventListener): Promise<Unsubscribe> {
    this.assertOpen();
    const { entry } = this.fanout.add(topic, listener);
    return async () => {
      this.fanout.remove(topic, entry);
    };
  }

  stream(topic: string, signal: AbortSignal): EventStream {
    return new TopicStream((t, l) => this.subscribe(t, l), topic, [signal, this.closed.signal], this.options);
  }

  async close(): Promise<void> {
    this.closed.abort();
    this.fanout.clear();
  }

  private assertOpen(): void {
    if (this.closed.signal.aborted) throw new Error("event bus is closed");
  }
}
