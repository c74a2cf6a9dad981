/** Knobs of `bun run bench:sessions`, read once from the environment; bad values stop the run with a clear message. */
export interface SessionsOptions {
  /** Measured sessions per concurrency level (`BENCH_SESSIONS`, default 200). */
  sessions: number;
  /** Concurrency levels, one lifecycle phase each (`BENCH_SESSIONS_CONCURRENCY`, default `1,8`). */
  concurrency: number[];
  /** Sessions before each phase, not counted (`BENCH_SESSIONS_WARMUP`, default 20). */
  warmup: number;
  /** SSE subscribers of the fan-out session (`BENCH_SUBSCRIBERS`, default 1000). */
  subscribers: number;
  /** How many of them use tRPC's SSE endpoint instead of the REST stream (`BENCH_SUBSCRIBERS_TRPC`, default 0). */
  trpcSubscribers: number;
  /** Fan-out rounds, each a fresh session and fresh subscribers (`BENCH_FANOUT_ROUNDS`, default 3). */
  rounds: number;
  /** Seconds the subscribers sit idle before the trigger, to measure what idle streams cost (`BENCH_FANOUT_IDLE_SECONDS`, default 4). */
  idleSeconds: number;
  /** PostgreSQL server for a scratch database (`BENCH_DATABASE_URL`); unset → PGlite. */
  databaseUrl: string | undefined;
  /** `lifecycle` or `fanout` to run only that part (`BENCH_SESSIONS_ONLY`). */
  only: "lifecycle" | "fanout" | undefined;
}

function integer(env: Record<string, string | undefined>, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`${name} must be an integer in [${min}, ${max}], got "${raw}"`);
  return value;
}

export function readSessionsOptions(env: Record<string, string | undefined> = process.env): SessionsOptions {
  const databaseUrl = env.BENCH_DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) throw new Error("BENCH_DATABASE_URL must be a postgres:// URL");
  const concurrency = (env.BENCH_SESSIONS_CONCURRENCY || "1,8").split(",").map((part) => Number(part.trim()));
  // Each measured user starts one session per phase, and a user may start 5 an hour.
  if (concurrency.length > 5 || concurrency.some((c) => !Number.isInteger(c) || c < 1 || c > 256)) {
    throw new Error(`BENCH_SESSIONS_CONCURRENCY must be 1 to 5 comma-separated integers in [1, 256], got "${env.BENCH_SESSIONS_CONCURRENCY}"`);
  }
  const only = env.BENCH_SESSIONS_ONLY || undefined;
  if (only !== undefined && only !== "lifecycle" && only !== "fanout") throw new Error(`BENCH_SESSIONS_ONLY must be lifecycle or fanout, got "${only}"`);
  const subscribers = integer(env, "BENCH_SUBSCRIBERS", 1000, 1, 10_000);
  return {
    sessions: integer(env, "BENCH_SESSIONS", 200, 1, 5_000),
    concurrency,
    warmup: integer(env, "BENCH_SESSIONS_WARMUP", 20, 0, 1_000),
    subscribers,
    trpcSubscribers: integer(env, "BENCH_SUBSCRIBERS_TRPC", 0, 0, subscribers),
    rounds: integer(env, "BENCH_FANOUT_ROUNDS", 3, 1, 20),
    idleSeconds: integer(env, "BENCH_FANOUT_IDLE_SECONDS", 4, 1, 60),
    databaseUrl,
    only,
  };
}
