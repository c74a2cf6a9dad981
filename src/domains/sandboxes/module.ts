import type { DbOrTx } from "../../../db/connection.ts";
import type { SandboxRow, WorkspaceRoleName } from "../../../db/schema/index.ts";
import type { EventBus } from "../../platform/events/types.ts";
import { createInvalidatingCache, type InvalidatingCache } from "../../platform/invalidating-cache.ts";
import type { Logger } from "../../platform/logger.ts";

/**
 * The per-sandbox Anthropic proxy tokens, owned by the anthropic-proxy domain and handed in by the
 * composition root: a token is issued when a sandbox's container is made (it is the container's
 * only model credential) and revoked when the sandbox is paused or deleted.
 */
export interface SandboxProxyTokens {
  /** Returns the plaintext once; older tokens of the sandbox stop working. */
  issue(db: DbOrTx, input: { sandboxId: string; workspaceId: string }): Promise<string>;
  /** Takes effect on the very next proxied request. */
  revoke(db: DbOrTx, sandboxId: string): Promise<void>;
}

/** What the subdomain proxy knows of a sandbox for one user: the row and the user's role in its workspace. */
export interface SandboxRoute {
  row: SandboxRow;
  role: WorkspaceRoleName | null;
}

/** The sandboxes domain's per-process state, built once at start-up by the composition root. */
export interface SandboxesModule {
  proxyTokens: SandboxProxyTokens;
  /**
   * The subdomain proxy's lookups, by `sandboxId:userId`, tagged with the sandbox and its
   * workspace: every change of a sandbox's state, and of a workspace's members, drops them here
   * and on every replica (through the events bus) before the change is answered.
   */
  routes: InvalidatingCache<SandboxRoute>;
}

/** How long a lookup is kept even without an invalidation (a change made outside the platform). */
const ROUTE_TTL_MS = 5_000;

export async function createSandboxesModule(deps: { proxyTokens: SandboxProxyTokens; bus: EventBus; logger: Logger }): Promise<SandboxesModule> {
  const routes = await createInvalidatingCache<SandboxRoute>({ bus: deps.bus, topic: "sandboxes.routes-invalidated", ttlMs: ROUTE_TTL_MS, logger: deps.logger });
  return { proxyTokens: deps.proxyTokens, routes };
}

declare module "../../platform/services.ts" {
  interface DomainModules {
    sandboxes: SandboxesModule;
  }
}
