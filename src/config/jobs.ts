import { z } from "zod";
import { int } from "./helpers.ts";

/** The jobs market (document 001): holds, attempts, the platform fee, the reconciler and the `command` verifier's sandbox. */
export const ZJobsConfig = z
  .object({
    /** How long a pulled or claimed job is held for its worker before the reconciler puts it back on the board. */
    JOB_HOLD_SECONDS: int({ min: 1, fallback: 300 }),
    /** Counted attempts (a worker's fail, a failed verification) before a job fails and its escrow is refunded. */
    JOB_MAX_ATTEMPTS: int({ min: 1, max: 100, fallback: 3 }),
    /** Platform fee on a verified job's payout, in basis points of the price (500 = 5%). */
    MARKET_FEE_BPS: int({ min: 0, max: 10_000, fallback: 500 }),
    /** How often the jobs reconciler releases lapsed holds and missed deadlines. */
    MARKET_RECONCILE_MS: int({ min: 50, fallback: 10_000 }),
    /** Image of the `command` verifier's throwaway container (must have /bin/sh). */
    VERIFY_IMAGE: z.string().min(1).default("docker.io/library/busybox:1.36"),
    /** The `command` verifier's limits: wall time, memory and CPUs (network is always off). */
    VERIFY_TIMEOUT_S: int({ min: 1, max: 600, fallback: 30 }),
    VERIFY_MEMORY_MB: int({ min: 16, fallback: 256 }),
    VERIFY_CPU_MILLIS: int({ min: 50, fallback: 500 }),
  })
  .transform((e) => ({
    holdSeconds: e.JOB_HOLD_SECONDS,
    maxAttempts: e.JOB_MAX_ATTEMPTS,
    feeBps: e.MARKET_FEE_BPS,
    reconcileMs: e.MARKET_RECONCILE_MS,
    verifier: { image: e.VERIFY_IMAGE, timeoutS: e.VERIFY_TIMEOUT_S, memoryBytes: e.VERIFY_MEMORY_MB * 1024 * 1024, cpus: e.VERIFY_CPU_MILLIS / 1000 },
  }));

export type JobsConfig = z.output<typeof ZJobsConfig>;
