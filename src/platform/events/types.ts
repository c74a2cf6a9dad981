/**
 * Publish/subscribe by topic. Payloads are JSON values: both backends encode on publish and decode
 * once per delivery, so listeners see the same shapes whichever backend runs (a Date arrives as an
 * ISO string, `undefined` as `null`). Listeners of one topic share the decoded value: treat it as
 * read-only.
 *
 * Implementations, chosen in `createEventBus` (index.ts):
 * - memory.ts: in-process, the default on a single machine; delivery happens inside `publish`.
 * - redis.ts: Redis pub/sub via `REDIS_URL`, so every replica sees every publish. One subscriber
 *   connection per bus carries all topics; local listeners fan out in process.
 */
export type EventListener = (payload: unknown) => void;

/** Removes one subscription; idempotent. */
export type Unsubscribe = () => Promise<void>;

export interface EventBus {
  publish(topic: string, payload: unknown): Promise<void>;
  /** Resolves once the subscription is live, so a publish made after it is not missed. */
  subscribe(topic: string, listener: EventListener): Promise<Unsubscribe>;
  /**
   * Events of `topic` as an async iterator: subscribes at once (not on first pull), buffers events
   * between pulls and ends when `signal` aborts, when the consumer breaks out, or when the bus closes.
   */
  stream(topic: string, signal: AbortSignal): EventStream;
  close(): Promise<void>;
  /**
   * How many times this bus lost its subscriptions and restored them (Redis: the subscriber
   * connection dropped). What was published in between was not delivered here: a reader that
   * keeps history elsewhere re-reads it when this number moves. Always 0 in process.
   */
  readonly resubscriptions: number;
}

export interface EventStream extends AsyncIterableIterator<unknown> {
  /**
   * Resolves once the subscription is live (or the stream has ended; it never rejects): whatever
   * is published after it reaches this stream, so a reader can take history from elsewhere first.
   */
  readonly ready: Promise<void>;
  /** Ends the stream and drops its subscription. */
  return(): Promise<IteratorResult<unknown>>;
}
