import type { Services } from "../../platform/services.ts";

/** A workspace's members changed: the subdomain proxy's cached lookups in it are dropped (every replica). */
export function forgetWorkspaceRoutes(services: Pick<Services, "modules">, workspaceId: string): Promise<void> {
  return services.modules.sandboxes.routes.invalidate([workspaceId]);
}
