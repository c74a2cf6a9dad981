import type { BackoffOptions } from "./types.ts";

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1_000, maxMs: 5 * 60_000 };

/**
 * Delay before the retry that follows failed attempt `attempt` (1-based): exponential from
 * `baseMs`, capped at `maxMs`, with "equal jitter" — half the step fixed, half random. The random
 * half spreads out jobs that failed together; the fixed half keeps each delay at least as long as
 * the previous one's minimum, so delays really do grow.
 */
export function retryDelayMs(
  attempt: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  const step = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt - 1));
  const half = step / 2;
  return Math.round(half + random() * half);
}
