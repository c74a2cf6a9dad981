import type { Services } from "../../platform/services.ts";
import { ANTHROPIC_PROXY_METHODS, createAnthropicProxy, type AnthropicProxyHandler } from "./handler.ts";

/** `/proxy/anthropic/*` for Bun's router: the same handler under every method, built from the platform's services. */
export function anthropicProxyRoutes(services: Services): Record<(typeof ANTHROPIC_PROXY_METHODS)[number], AnthropicProxyHandler> {
  const handle = createAnthropicProxy({ config: services.config.anthropic, db: services.db, limiter: services.limiter, logger: services.logger });
  return Object.fromEntries(ANTHROPIC_PROXY_METHODS.map((method) => [method, handle])) as Record<(typeof ANTHROPIC_PROXY_METHODS)[number], AnthropicProxyHandler>;
}
