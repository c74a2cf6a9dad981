import { z } from "zod";
import { int } from "./helpers.ts";

/** Workspaces' cloud sandboxes (document 002): images, capacity, readiness, the subdomain proxy. `Config.sandboxes`. */
export const ZSandboxesConfig = z
  .object({
    /**
     * The host the subdomain proxy answers under: `oc-{id}.BASE_DOMAIN` and `claw-{id}.BASE_DOMAIN`
     * (a bare host name, no scheme or port). Browsers resolve `*.localhost` to loopback.
     */
    BASE_DOMAIN: z
      .string()
      .regex(/^(?=.{1,200}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/, "a lower-case host name, without scheme or port")
      .default("localhost"),
    /** Image of an opencode sandbox (built by scripts/engine/build-sandbox-images.sh). */
    SANDBOX_OPENCODE_IMAGE: z.string().min(1).default("localhost/agent-cloud/sandbox-opencode:test"),
    /** Image of an openclaw sandbox (built by scripts/engine/build-sandbox-images.sh). */
    SANDBOX_OPENCLAW_IMAGE: z.string().min(1).default("localhost/agent-cloud/sandbox-openclaw:test"),
    /** Cloud sandboxes (creating or running) one engine may hold at once; beyond it POST … /sandboxes answers 503. */
    SANDBOX_CAPACITY: int({ min: 0, fallback: 4 }),
    /** How long a sandbox may take to answer its readiness check before it is an error. */
    SANDBOX_READY_TIMEOUT_S: int({ min: 1, fallback: 300 }),
    /** The platform's URL as a container reaches it (the Anthropic proxy's base); default PUBLIC_URL's port on host.containers.internal. */
    SANDBOX_PLATFORM_URL: z.url().optional(),
    /** Lease of a sandbox start job, renewed while it runs; a crashed process's start resumes once it lapses. */
    SANDBOX_START_LEASE_MS: int({ min: 1_000, fallback: 30_000 }),
    /** How often the sandbox reconciler runs (orphan containers and volumes, lost jobs, idle pause). */
    SANDBOX_RECONCILE_MS: int({ min: 100, fallback: 30_000 }),
    /** A running sandbox with no proxied request for this many minutes is paused; 0 never. */
    SANDBOX_IDLE_PAUSE_MIN: int({ min: 0, fallback: 0 }),
  })
  .transform((e) => ({
    baseDomain: e.BASE_DOMAIN,
    images: { opencode: e.SANDBOX_OPENCODE_IMAGE, openclaw: e.SANDBOX_OPENCLAW_IMAGE },
    capacity: e.SANDBOX_CAPACITY,
    readyTimeoutS: e.SANDBOX_READY_TIMEOUT_S,
    platformUrl: e.SANDBOX_PLATFORM_URL,
    startLeaseMs: e.SANDBOX_START_LEASE_MS,
    reconcileMs: e.SANDBOX_RECONCILE_MS,
    idlePauseMin: e.SANDBOX_IDLE_PAUSE_MIN,
  }));

export type SandboxesConfig = z.output<typeof ZSandboxesConfig>;
