/**
 * The anthropic-proxy domain's entry for other domains and the composition root: the per-sandbox
 * proxy tokens (issued on sandbox create/resume, revoked on pause/delete) and the usage totals.
 */
export { issueProxyToken, revokeProxyTokens, authenticateProxyToken, PROXY_TOKEN_PREFIX, type ProxyPrincipal } from "./tokens.ts";
export { usageOf, type UsageTotals } from "./usage.ts";
export { anthropicProxyRoutes } from "./routes.ts";
export { ANTHROPIC_PROXY_OPENAPI, ANTHROPIC_PROXY_PREFIX, createAnthropicProxy } from "./handler.ts";
