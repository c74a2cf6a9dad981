/** The sandboxes domain's entry for the app and other domains. */
export { destroyWorkspaceSandboxes } from "./service.ts";
export { createSubdomainProxy, parseSandboxHost, SUBDOMAIN_PROXY_OPENAPI, type ProxyServer, type SubdomainProxy } from "./subdomain-proxy.ts";
export { startSandboxWorkers } from "./workers.ts";
export { createSandboxesModule, type SandboxProxyTokens, type SandboxesModule } from "./module.ts";
export { forgetWorkspaceRoutes } from "./routes.ts";
