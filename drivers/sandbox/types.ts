/**
 * Sandbox programs: what runs in a workspace's cloud sandbox, as a container spec for
 * drivers/container plus the program's own readiness check and credential.
 *
 * Implementations (one per sandbox type, chosen in index.ts):
 * - `opencode.ts`: `opencode serve` on 4096, Basic auth (user `opencode`, the generated server
 *   password); ready when `GET /global/health` answers 2xx with that auth.
 * - `openclaw.ts`: `openclaw gateway run` on 18789 with token auth (the generated gateway token);
 *   ready when `GET /readyz` answers 2xx.
 * On the simulator engine nothing runs: `readiness` is then not called (the caller says so), and
 * the published port has nothing behind it.
 * Like every driver, this one imports nothing of src/.
 */
import type { ContainerSpec } from "../container/types.ts";

export type SandboxType = "opencode" | "openclaw";

export const SANDBOX_LABELS = {
  sandbox: "agent-cloud.sandbox",
  workspace: "agent-cloud.workspace",
  role: "agent-cloud.role",
  pool: "agent-cloud.pool",
} as const;

export interface SandboxSpecParams {
  sandboxId: string;
  workspaceId: string;
  /** The program's own credential: opencode's server password, openclaw's gateway token. */
  secret: string;
  /** The sandbox's Anthropic proxy token: the only model credential the container gets. */
  proxyToken: string;
  /** The platform's Anthropic proxy as the container reaches it (`…/proxy/anthropic`). */
  anthropicBaseUrl: string;
}

export interface SandboxSpecOptions {
  image: string;
  /** Labels this deployment's sandboxes (the reconciler only touches its own pool). */
  pool: string;
}

export interface SandboxProgram {
  readonly type: SandboxType;
  /** The port the program listens on inside the container (published on loopback). */
  readonly port: number;
  /** Subdomain prefix: `oc` → `oc-{id}.BASE_DOMAIN`. */
  readonly subdomain: string;
  spec(params: SandboxSpecParams, options: SandboxSpecOptions): ContainerSpec;
  /**
   * Whether the program accepts `X-Forwarded-*` from the platform's proxy. openclaw's gateway
   * refuses (403) any request carrying them from a proxy it was not configured to trust.
   */
  readonly acceptsForwardedHeaders: boolean;
  /** Headers that carry the sandbox's credential to the program (the proxy injects them). */
  credentialHeaders(secret: string): Record<string, string>;
  /** One readiness probe against `host:port`: true when the real program says it is ready. */
  ready(address: string, secret: string, signal?: AbortSignal): Promise<boolean>;
}
