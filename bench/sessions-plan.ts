/**
 * What the sessions runner (sessions.ts) tells its client process (sessions-client.ts) to do, in
 * the environment, and what the client prints back: one JSON line on stdout.
 */
export const SESSIONS_PLAN_ENV = "BENCH_SESSIONS_PLAN";

/**
 * Start sessions one after another on each of `concurrency` workers: POST /api/sessions, then the
 * session's SSE stream until `active`, then DELETE. `warmup` sessions first, not counted.
 */
export interface LifecyclePlan {
  mode: "lifecycle";
  url: string;
  /** One bearer credential per session (a user may have one live session); session i uses keys[i]. */
  keys: string[];
  warmupKeys: string[];
  concurrency: number;
}

/** Per session, milliseconds from just before the POST was sent (`delete` from just before the DELETE). */
export interface LifecycleSample {
  post: number;
  /** When the server stamped the event (its `at`, millisecond precision, wall clock), from the POST. */
  startingStamped: number;
  activeStamped: number | undefined;
  starting: number;
  /** Undefined when the plan stops at `redroid_starting`. */
  active: number | undefined;
  delete: number;
}

export interface LifecycleResult {
  mode: "lifecycle";
  samples: LifecycleSample[];
  /** Sessions that failed (non-2xx, no event before the timeout, an `error` event); the first few messages. */
  failures: number;
  failureMessages: string[];
  /** Wall time and the client's own CPU time of the measured sessions. */
  seconds: number;
  cpuSeconds: number;
}

/**
 * One session, `subscribers` SSE streams on it (the first `trpc` of them through tRPC's SSE
 * endpoint), an idle window, then DELETE: every stream should receive `ended`.
 */
export interface FanoutPlan {
  mode: "fanout";
  url: string;
  key: string;
  subscribers: number;
  trpc: number;
  /** Streams opened at once while connecting. */
  connectBatch: number;
  idleSeconds: number;
  /** The server's process, for its CPU time while the subscribers sit idle (Linux /proc). */
  serverPid: number;
  /** Also count PostgreSQL's processes' CPU. */
  postgres: boolean;
}

export interface FanoutResult {
  mode: "fanout";
  subscribers: number;
  /** Streams that answered 200 and replayed the session's history. */
  connected: number;
  /** Streams refused (status ≠ 200) or broken before the trigger; the first few messages. */
  refused: number;
  refusalMessages: string[];
  /** Milliseconds from the stream's request being sent to its history replay ending (per subscriber). */
  subscribeMs: number[];
  /** From the first stream opened to the last one ready, milliseconds. */
  connectAllMs: number;
  /** Cores' worth of CPU the server (and PostgreSQL) used in the idle window; undefined without /proc. */
  idleServerCores: number | undefined;
  idlePostgresCores: number | undefined;
  /** Per subscriber that received the event: receipt minus the event's `at`, milliseconds. */
  fromAtMs: number[];
  /** Per subscriber that received the event: receipt minus the moment the DELETE was sent. */
  fromTriggerMs: number[];
  /** The same receipts, tRPC subscribers only (a subset of the above, for a separate line). */
  trpcFromAtMs: number[];
  /** DELETE round trip, milliseconds. */
  triggerMs: number;
  /** Date.now() minus wallNow(), averaged: how far the client's µs clock is from the wall clock the server stamps `at` with. */
  clockOffsetMs: number;
  /** CPU the client itself used from the DELETE until every stream had `ended`: its share of the delivery window. */
  cpuSeconds: number;
}

export type ClientPlan = LifecyclePlan | FanoutPlan;
export type ClientResult = LifecycleResult | FanoutResult;

export function isClientResult(value: unknown): value is ClientResult {
  if (typeof value !== "object" || value === null) return false;
  const mode = (value as Record<string, unknown>).mode;
  if (mode === "lifecycle") return Array.isArray((value as Record<string, unknown>).samples);
  if (mode === "fanout") return Array.isArray((value as Record<string, unknown>).fromAtMs);
  return false;
}
