import { RedisClient } from "bun";
import type { Logger } from "../logger.ts";

const RECONNECT_MIN_MS = 100;
const RECONNECT_MAX_MS = 2_000;

/**
 * One Redis subscriber connection carrying every channel of a bus. Callers say which channels they
 * `want`; changes are applied by `reconcile`, one at a time, batching whatever piled up meanwhile
 * into one SUBSCRIBE and one UNSUBSCRIBE.
 *
 * Reconnection is ours, not Bun's: after Bun reconnects a subscriber by itself its channels are not
 * restored, and subscribing again on that client delivers each message twice. So a lost connection
 * is dropped and a fresh client subscribes every wanted channel again (with backoff). Messages
 * published while disconnected are lost, as with any Redis pub/sub.
 */
export class RedisSubscriber {
  private client: RedisClient | null = null;
  /** Whether the current client got as far as talking to Redis (only then is its loss news). */
  private established = false;
  private readonly wanted = new Set<string>();
  /** Channels subscribed on the current client. */
  private readonly live = new Set<string>();
  /** Channels whose wanted/live state may differ. */
  private dirty = new Set<string>();
  private chain: Promise<void> = Promise.resolve();
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private reconnectDelay = RECONNECT_MIN_MS;
  private closed = false;
  /** Completed resubscriptions after a lost connection. */
  resubscriptions = 0;
  private readonly handler = (message: string, channel: string) => this.options.onMessage(channel, message);

  constructor(
    private readonly options: {
      url: string;
      /** CLIENT SETNAME of the connection, so operators (and tests) can find it. */
      name: string;
      logger: Logger;
      onMessage: (channel: string, message: string) => void;
    },
  ) {}

  /** Resolves once `channel` is subscribed on the server. */
  async want(channel: string): Promise<void> {
    this.wanted.add(channel);
    if (this.live.has(channel)) return;
    this.dirty.add(channel);
    await this.reconcile();
  }

  /** Never throws: the local listeners are gone either way, and a broken connection holds nothing. */
  async unwant(channel: string): Promise<void> {
    if (!this.wanted.delete(channel)) return;
    this.dirty.add(channel);
    await this.reconcile().catch((error: unknown) => {
      if (!this.closed) this.options.logger.warn("event bus unsubscribe failed", { channel, error });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    await this.chain;
    this.dropClient();
  }

  private reconcile(): Promise<void> {
    const run = this.chain.then(() => this.apply());
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async apply(): Promise<void> {
    if (this.closed) throw new Error("event bus is closed");
    if (this.dirty.size === 0) return;
    const batch = this.dirty;
    this.dirty = new Set();
    const add: string[] = [];
    const drop: string[] = [];
    for (const channel of batch) {
      const wanted = this.wanted.has(channel);
      if (wanted && !this.live.has(channel)) add.push(channel);
      else if (!wanted && this.live.has(channel)) drop.push(channel);
    }
    try {
      if (drop.length > 0 && this.client) {
        // Forget them first: a `want` arriving meanwhile then queues a fresh SUBSCRIBE after this one.
        for (const channel of drop) this.live.delete(channel);
        await this.client.unsubscribe(drop);
      }
      if (add.length > 0) {
        const client = await this.connect();
        await client.subscribe(add, this.handler);
        for (const channel of add) this.live.add(channel);
      }
    } catch (error) {
      for (const channel of add) this.dirty.add(channel);
      throw error;
    }
  }

  private async connect(): Promise<RedisClient> {
    if (this.client) return this.client;
    const client = new RedisClient(this.options.url, { autoReconnect: false, connectionTimeout: 2_000 });
    client.onclose = () => this.lost(client);
    this.client = client;
    try {
      await client.send("CLIENT", ["SETNAME", this.options.name]);
      if (this.client === client) this.established = true;
    } catch (error) {
      this.dropClient();
      throw error;
    }
    return client;
  }

  private lost(client: RedisClient): void {
    if (this.client !== client || this.closed) return;
    const wasEstablished = this.established;
    this.client = null;
    this.established = false;
    for (const channel of this.live) this.dirty.add(channel);
    this.live.clear();
    if (wasEstablished && this.wanted.size > 0) {
      this.options.logger.warn("event bus subscriber connection lost; resubscribing", {
        channels: this.wanted.size,
      });
    }
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer || this.wanted.size === 0) return;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.reconcile().then(
        () => {
          this.resubscriptions++;
          this.reconnectDelay = RECONNECT_MIN_MS;
          this.options.logger.info("event bus subscriber reconnected", { channels: this.live.size });
        },
        (error: unknown) => {
          this.reconnectDelay = Math.min(this.reconnectDelay * 2, RECONNECT_MAX_MS);
          this.options.logger.warn("event bus resubscribe failed", { error, retryInMs: this.reconnectDelay });
          this.scheduleReconnect();
        },
      );
    }, this.reconnectDelay);
  }

  private dropClient(): void {
    const client = this.client;
    this.client = null;
    this.established = false;
    this.live.clear();
    client?.close();
  }
}
