import { z } from "zod";
import { int } from "./helpers.ts";

/** Mobile sessions: per-user and per-address limits, storage, reconciler and allocation timing. Part of `Config.devices`. */
export const ZSessionsConfig = z
  .object({
    SESSIONS_PER_HOUR: int({ min: 1, fallback: 5 }),
    /** Live sessions (devices) requested from one client address at once, whatever the accounts; 429 beyond. */
    DEVICE_PER_IP: int({ min: 1, fallback: 2 }),
    /** Open event streams (SSE, tRPC subscriptions) per user and process. */
    SESSION_STREAMS_PER_USER: int({ min: 1, fallback: 20 }),
    /** What one user may keep uploaded (APKs, skill versions, files pushed onto live devices), in MiB; 403 beyond. */
    USER_STORAGE_QUOTA_MB: int({ min: 1, fallback: 512 }),
    /** How often the session reconciler runs (orphans, stuck starts, idle sessions). */
    SESSION_RECONCILE_MS: int({ min: 100, fallback: 30_000 }),
    /** Lease of a device allocation job; a crashed worker's allocation resumes after it. */
    SESSION_ALLOCATE_LEASE_MS: int({ min: 1_000, fallback: 30_000 }),
  })
  .transform((e) => ({
    sessionsPerHour: e.SESSIONS_PER_HOUR,
    perIp: e.DEVICE_PER_IP,
    streamsPerUser: e.SESSION_STREAMS_PER_USER,
    storageQuotaBytes: e.USER_STORAGE_QUOTA_MB * 1024 * 1024,
    reconcileMs: e.SESSION_RECONCILE_MS,
    allocateLeaseMs: e.SESSION_ALLOCATE_LEASE_MS,
  }));

export type SessionsConfig = z.output<typeof ZSessionsConfig>;
