import type { DbOrTx } from "../../../db/connection.ts";

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

/** The sandboxes domain's per-process state, built once at start-up by the composition root. */
export interface SandboxesModule {
  proxyTokens: SandboxProxyTokens;
}

export function createSandboxesModule(deps: { proxyTokens: SandboxProxyTokens }): SandboxesModule {
  return { proxyTokens: deps.proxyTokens };
}

declare module "../../platform/services.ts" {
  interface DomainModules {
    sandboxes: SandboxesModule;
  }
}
