/** Benchmark knobs, read once from the environment; bad values stop the run with a clear message. */
export interface BenchOptions {
  /** Measured seconds per case (`BENCH_SECONDS`, default 5). */
  seconds: number;
  /** Warm-up seconds per case, not counted (`BENCH_WARMUP_SECONDS`, default 1). */
  warmupSeconds: number;
  /** Keep-alive connections, one request in flight on each (`BENCH_CONNECTIONS`, default 32). */
  connections: number;
  /** PostgreSQL server to create a scratch database on (`BENCH_DATABASE_URL`); unset → PGlite. */
  databaseUrl: string | undefined;
  /** Rounds over every case (`BENCH_ROUNDS`, default 3): medians, and ratios paired by round. */
  rounds: number;
  /** Write a CPU profile (.cpuprofile and markdown) of each server process here (`BENCH_CPU_PROF`). */
  cpuProfileDir: string | undefined;
  /** Print each case's first response (`BENCH_VERBOSE=1`), to check what was measured. */
  verbose: boolean;
  /** Run only the cases whose id contains this text (`BENCH_ONLY`), e.g. `trpc`. The baseline always runs. */
  only: string | undefined;
}

function positiveNumber(env: Record<string, string | undefined>, name: string, fallback: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || value > max) {
    throw new Error(`${name} must be a number in (0, ${max}], got "${raw}"`);
  }
  return value;
}

export function readBenchOptions(env: Record<string, string | undefined> = process.env): BenchOptions {
  const databaseUrl = env.BENCH_DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new Error(`BENCH_DATABASE_URL must be a postgres:// URL`);
  }
  return {
    seconds: positiveNumber(env, "BENCH_SECONDS", 5, 600),
    warmupSeconds: positiveNumber(env, "BENCH_WARMUP_SECONDS", 1, 60),
    connections: Math.round(positiveNumber(env, "BENCH_CONNECTIONS", 32, 1024)),
    databaseUrl,
    rounds: Math.round(positiveNumber(env, "BENCH_ROUNDS", 3, 20)),
    cpuProfileDir: env.BENCH_CPU_PROF || undefined,
    verbose: env.BENCH_VERBOSE === "1",
    only: env.BENCH_ONLY || undefined,
  };
}
