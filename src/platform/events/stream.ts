import type { Logger } from "../logger.ts";
import type { EventBus, EventStream } from "./types.ts";

const DONE: IteratorReturnResult<undefined> = { value: undefined, done: true };

export interface StreamOptions {
  maxBuffered: number;
  logger: Logger;
}

/**
 * The iterator behind `EventBus.stream`; it ends when any of `signals` aborts. It subscribes when
 * created rather than on the first pull, so events published between `stream()` and the consumer's
 * first `next()` are kept. The buffer is bounded: a consumer that falls `maxBuffered` events behind
 * loses the oldest ones (logged once).
 */
export class TopicStream implements EventStream {
  private buffer: unknown[] = [];
  private head = 0;
  private readonly waiters: ((result: IteratorResult<unknown>) => void)[] = [];
  private done = false;
  private failure: { error: unknown } | null = null;
  private unsubscribe: (() => Promise<void>) | null = null;
  readonly ready: Promise<void>;
  private warnedOverflow = false;
  private readonly signal: AbortSignal;
  private readonly onAbort = () => void this.finish();

  constructor(
    subscribe: EventBus["subscribe"],
    private readonly topic: string,
    signals: AbortSignal[],
    private readonly options: StreamOptions,
  ) {
    const signal = AbortSignal.any(signals);
    this.signal = signal;
    if (signal.aborted) {
      this.done = true;
      this.ready = Promise.resolve();
      return;
    }
    signal.addEventListener("abort", this.onAbort, { once: true });
    this.ready = subscribe(topic, (payload) => this.push(payload)).then(
      (unsubscribe) => {
        if (this.done) return this.release(unsubscribe);
        this.unsubscribe = unsubscribe;
      },
      (error: unknown) => {
        // A subscription cut short by abort or bus close just ends the stream.
        if (!this.done) this.failure = { error };
        void this.finish();
      },
    );
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<unknown>> {
    await this.ready;
    if (this.head < this.buffer.length) return { value: this.take(), done: false };
    if (this.failure) {
      const { error } = this.failure;
      this.failure = null;
      throw error;
    }
    if (this.done) return DONE;
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  async return(): Promise<IteratorResult<unknown>> {
    await this.finish();
    return DONE;
  }

  private push(payload: unknown): void {
    if (this.done) return;
    const waiter = this.waiters.shift();
    if (waiter) {
      waiter({ value: payload, done: false });
      return;
    }
    this.buffer.push(payload);
    if (this.buffer.length - this.head > this.options.maxBuffered) {
      this.head++;
      if (!this.warnedOverflow) {
        this.warnedOverflow = true;
        this.options.logger.warn("event stream consumer too slow; dropping oldest events", {
          topic: this.topic,
          maxBuffered: this.options.maxBuffered,
        });
      }
    }
  }

  private take(): unknown {
    const value = this.buffer[this.head];
    this.buffer[this.head] = undefined;
    this.head++;
    // Compact now and then instead of shifting on every pull.
    if (this.head >= 1024 && this.head * 2 >= this.buffer.length) {
      this.buffer = this.buffer.slice(this.head);
      this.head = 0;
    }
    return value;
  }

  private async finish(): Promise<void> {
    if (!this.done) {
      this.done = true;
      this.signal.removeEventListener("abort", this.onAbort);
      this.buffer = [];
      this.head = 0;
      for (const waiter of this.waiters.splice(0)) waiter(DONE);
    }
    const unsubscribe = this.unsubscribe;
    this.unsubscribe = null;
    if (unsubscribe) await this.release(unsubscribe);
  }

  private async release(unsubscribe: () => Promise<void>): Promise<void> {
    try {
      await unsubscribe();
    } catch (error) {
      this.options.logger.warn("event stream unsubscribe failed", { topic: this.topic, error });
    }
  }
}
