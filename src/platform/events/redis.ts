import type { Logger } from "../logger.ts";
import { decodePayload, encodePayload } from "./codec.ts";
import { Fanout } from "./fanout.ts";
import { CommandConnection } from "../redis-connection.ts";
import { RedisSubscriber } from "./redis-subscriber.ts";
import { TopicStream } from "./stream.ts";
import type { EventBus, EventStream, EventListener, Unsubscribe } from "./types.ts";

/**
 * Redis pub/sub: topic `t` is channel `${channelPrefix}${t}`. A publish goes through Redis even to
 * this process's own listeners, so every replica sees the same order. The Redis subscription of a
 * topic exists while it has at least one local listener; a message is decoded once and handed to
 * each local listener in turn.
 */
export class RedisEventBus implements EventBus {
  private readonly fanout: Fanout;
  private readonly publisher: CommandConnection;
  private readonly subscriber: RedisSubscriber;
  private readonly closed = new AbortController();

  constructor(
    private readonly options: { url: string; channelPrefix: string; logger: Logger; maxBuffered: number },
  ) {
    this.fanout = new Fanout(options.logger);
    this.publisher = new CommandConnection(options.url);
    this.subscriber = new RedisSubscriber({
      url: options.url,
      name: `evbus:${options.channelPrefix}`.replace(/\s/g, "_"),
      logger: options.logger,
      onMessage: (channel, message) => this.onMessage(channel, message),
    });
  }

  get resubscriptions(): number {
    return this.subscriber.resubscriptions;
  }

  async publish(topic: string, payload: unknown): Promise<void> {
    this.assertOpen();
    const text = encodePayload(payload);
    const client = await this.publisher.get();
    await client.publish(this.channel(topic), text);
  }

  async subscribe(topic: string, listener: EventListener): Promise<Unsubscribe> {
    this.assertOpen();
    const channel = this.channel(topic);
    const { entry } = this.fanout.add(topic, listener);
    try {
      await this.subscriber.want(channel);
    } catch (error) {
      if (this.fanout.remove(topic, entry)) void this.subscriber.unwant(channel);
      throw error;
    }
    let done = false;
    return async () => {
      if (done) return;
      done = true;
      const last = this.fanout.remove(topic, entry);
      if (last && !this.closed.signal.aborted) await this.subscriber.unwant(channel);
    };
  }

  stream(topic: string, signal: AbortSignal): EventStream {
    return new TopicStream((t, l) => this.subscribe(t, l), topic, [signal, this.closed.signal], this.options);
  }

  async close(): Promise<void> {
    if (this.closed.signal.aborted) return;
    this.closed.abort();
    this.fanout.clear();
    await this.subscriber.close();
    this.publisher.close();
  }

  private channel(topic: string): string {
    return this.options.channelPrefix + topic;
  }

  private onMessage(channel: string, message: string): void {
    if (!channel.startsWith(this.options.channelPrefix)) return;
    const topic = channel.slice(this.options.channelPrefix.length);
    if (!this.fanout.has(topic)) return;
    let payload: unknown;
    try {
      payload = decodePayload(message);
    } catch (error) {
      this.options.logger.warn("event bus dropped a message that is not JSON", { topic, error });
      return;
    }
    this.fanout.deliver(topic, payload);
  }

  private assertOpen(): void {
    if (this.closed.signal.aborted) throw new Error("event bus is closed");
  }
}
