/**
 * Ties a server subprocess to the runner: it stops when the runner closes (or loses) our stdin,
 * and in any case after `BENCH_MAX_LIFETIME_S` seconds, so nothing outlives a benchmark run.
 */
export function holdLifeline(stop: (reason: string) => void): void {
  const maxSeconds = Number(process.env.BENCH_MAX_LIFETIME_S) || 600;
  setTimeout(() => stop("max lifetime reached"), maxSeconds * 1000).unref();
  void (async () => {
    try {
      for await (const _chunk of Bun.stdin.stream()) {
        // The runner never writes; end of input is the signal.
      }
    } catch {
      // A broken pipe means the same thing as end of input.
    }
    stop("stdin closed");
  })();
}

/** The one line a server prints on stdout when it accepts requests; the runner waits for it. */
export const READY_PREFIX = "BENCH_READY ";
