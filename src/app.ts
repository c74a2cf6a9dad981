import type { AnyRouter } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { Elysia } from "elysia";
import { AppError } from "./platform/errors.ts";
import type { Services } from "./platform/services.ts";
import { handleSignedBlobRequest } from "./platform/blobs/signed-url.ts";
import { allowedMethodsIndex } from "./rest/allowed-methods.ts";
import { anthropicProxyRoutes } from "./domains/anthropic-proxy/index.ts";
import { bodyLimitsByPath, largestBodyBytes } from "./rest/body-limits.ts";
import { DOCS_HTML, scalarScriptPath } from "./rest/docs.ts";
import { createRestHandler } from "./rest/handler.ts";
import { buildOpenApiDocument } from "./rest/openapi.ts";
import { ClientGate, type TimeoutControl } from "./rest/client-gate.ts";
import { buildRequestInfo, requestIdFrom } from "./rest/request-info.ts";
import { collectRestRoutes } from "./rest/routes.ts";
import { createTrpcAdmission, MAX_TRPC_BATCH } from "./rest/trpc-admission.ts";
import { createTrpcQueryFastPath } from "./rest/trpc-fast-path.ts";
import { createSubdomainProxy } from "./domains/sandboxes/index.ts";
import { appRouter } from "./router.ts";
import { surfaceOfPath } from "./surfaces/index.ts";
import { assertAccessDeclared } from "./trpc/access.ts";
import { createContextInner, type RequestInfo } from "./trpc/context.ts";
import { toAppError } from "./trpc/errors.ts";

const VERSION = "0.1.0";

interface SocketAware extends TimeoutControl {
  requestIP(request: Request): { address: string } | null;
}

/** Above the largest body limit: Bun's own 413 (no body) only past what any route reads. */
const BUN_BODY_MARGIN = 1024 * 1024;

type NativeRouteHandler = (request: Request & { params: Record<string, string> }, server: SocketAware) => Promise<Response>;

/**
 * The Elysia composition: tRPC at /trpc, one REST route per documented procedure, the OpenAPI
 * document and its docs page, signed blob links; every response carries X-Request-Id.
 */
export function createApp(services: Services, router: AnyRouter = appRouter) {
  const { config, logger } = services;
  assertAccessDeclared(router);
  const routes = collectRestRoutes(router);
  const openapiJson = JSON.stringify(
    buildOpenApiDocument(routes, { title: "Agent Cloud API", version: VERSION, serverUrl: config.publicUrl }),
  );
  const scalarScript = Bun.file(scalarScriptPath());
  const createContext = (info: RequestInfo) => createContextInner(services, info);
  const gate = new ClientGate(config.connections);
  const bodyLimits = bodyLimitsByPath(router);
  const admitTrpc = createTrpcAdmission({
    router,
    bodyLimits,
    createContext: (info, responseHeaders) => createContextInner(services, info, responseHeaders),
    logger,
  });
  // Hosts `oc-{id}.BASE_DOMAIN` / `claw-{id}.BASE_DOMAIN` go to the sandbox, whatever the path; any other Host falls through.
  const subdomain = createSubdomainProxy(services);
  const trpcQuery = createTrpcQueryFastPath({ router, maxBatchSize: MAX_TRPC_BATCH, createContext: (info, headers) => createContextInner(services, info, headers) });
  const allowedMethods = allowedMethodsIndex([
    ...routes.map((r) => ({ path: r.routerPath, method: r.meta.method })),
    ...["/openapi.json", "/docs", "/docs/scalar.js", "/blobs/*"].map((path) => ({ path, method: "GET" })),
  ]);

  const requestInfo = (request: Request, requestId: string, server: SocketAware | null) =>
    buildRequestInfo(request, requestId, server?.requestIP(request)?.address ?? "unknown", config.trustedProxies);

  const serveTrpc = (request: Request, info: RequestInfo, server: SocketAware | null) =>
    gate.trpc(router, request, info, server, async () => {
      // The typed client's GET queries: tRPC's wire format without its fetch adapter (trpc-fast-path.ts).
      const query = trpcQuery(request, info);
      if (query) return query;
      const admitted = await admitTrpc(request, info);
      if (admitted instanceof Response) return admitted;
      return fetchRequestHandler({
        endpoint: "/trpc",
        req: admitted.request,
        router,
        maxBatchSize: MAX_TRPC_BATCH,
        createContext: ({ resHeaders }) => admitted.createContext(resHeaders),
      });
    });

  const errorResponse = (code: unknown, error: unknown, request: Request, requestId: string) => {
    const appError =
      code === "NOT_FOUND"
        ? notFoundOrNotAllowed(request, allowedMethods)
        : code === "PARSE"
          ? new AppError("BAD_REQUEST", "Request body could not be parsed")
          : toAppError(error);
    if (appError.status >= 500) logger.error("request failed", { requestId, error: error instanceof Error ? error : String(error) });
    const rendered = surfaceOfPath(new URL(request.url).pathname).renderError(appError, requestId);
    return new Response(JSON.stringify(rendered.body), {
      status: rendered.status,
      headers: { ...appError.headers, "content-type": "application/json; charset=utf-8", "x-request-id": requestId },
    });
  };

  // REST routes go to Bun's own router (Elysia merges `serve.routes` into Bun.serve at listen):
  // no Elysia context, hooks or response mapping on the documented paths. Filled in below.
  const nativeRoutes: Record<string, Record<string, NativeRouteHandler>> = {};
  const app = new Elysia({ serve: { routes: nativeRoutes, maxRequestBodySize: largestBodyBytes(bodyLimits) + BUN_BODY_MARGIN } })
    .onRequest(({ request, set, server }) => {
      const proxied = subdomain.handle(request, server);
      if (proxied) return proxied;
      set.headers["x-request-id"] = requestIdFrom(request.headers);
    })
    .onError(({ code, error, request, set }) =>
      errorResponse(code, error, request, String(set.headers["x-request-id"] ?? requestIdFrom(request.headers))),
    )
    .get("/openapi.json", () => new Response(openapiJson, { headers: { "content-type": "application/json" } }))
    .get("/docs", () => new Response(DOCS_HTML, { headers: { "content-type": "text/html; charset=utf-8" } }))
    .get("/docs/scalar.js", () => new Response(scalarScript, { headers: { "content-type": "text/javascript", "cache-control": "public, max-age=3600" } }))
    .get("/blobs/*", ({ request }) => handleSignedBlobRequest(request, services.blobs, services.signingSecret))
    .all(
      "/trpc/*",
      ({ request, set, server }) => serveTrpc(request, requestInfo(request, String(set.headers["x-request-id"]), server), server),
      { parse: "none" },
    );

  // tRPC's GETs (queries, subscriptions, HEAD) also go to Bun's router; other methods stay with Elysia's /trpc/* route.
  nativeRoutes["/trpc/*"] = {
    GET: async (request, server) => {
      const requestId = requestIdFrom(request.headers);
      try {
        const response = await serveTrpc(request, requestInfo(request, requestId, server), server);
        response.headers.set("x-request-id", requestId);
        return response;
      } catch (error) {
        return errorResponse(undefined, error, request, requestId);
      }
    },
  };
  for (const route of routes) {
    const handle = gate.rest(route, createRestHandler(route, { createContext, shutdownSignal: services.shutdownSignal }));
    (nativeRoutes[route.routerPath] ??= {})[route.meta.method] = (request, server) =>
      handle(request, request.params, requestInfo(request, requestIdFrom(request.headers), server), server);
    // The same handler as an Elysia route, for in-process callers (`app.handle`) and paths Bun's
    // router leaves to Elysia (a trailing slash). Elysia registers in place; the route table is
    // built once here, not per request.
    app.route(
      route.meta.method,
      route.routerPath,
      ({ request, params, set, server }) => {
        const requestId = String(set.headers["x-request-id"]);
        // The REST response sets the header itself. Left here, it would make Elysia copy the
        // response into a new one with merged headers (~2 µs per request).
        delete set.headers["x-request-id"];
        return handle(request, params as Record<string, string>, requestInfo(request, requestId, server), server);
      },
      { parse: "none" },
    );
  }
  // `/proxy/anthropic/*`, any method: a sandbox's proxy token swapped for the real key (src/domains/anthropic-proxy).
  nativeRoutes["/proxy/anthropic/*"] = anthropicProxyRoutes(services);
  // Every route Bun's own router serves first asks the subdomain proxy (Elysia's go through onRequest above).
  // After a WebSocket upgrade the proxy resolves undefined, which Bun accepts.
  for (const methods of Object.values(nativeRoutes)) {
    for (const [method, serve] of Object.entries(methods)) {
      methods[method] = (request, server) => (subdomain.handle(request, server) as Promise<Response> | null) ?? serve(request, server);
    }
  }
  return app;
}

export type App = ReturnType<typeof createApp>;

/** A path no route serves is 404; one served under other methods is 405 with Allow. */
function notFoundOrNotAllowed(request: Request, allowedMethods: (pathname: string) => string | undefined): AppError {
  const allow = allowedMethods(new URL(request.url).pathname);
  if (!allow) return new AppError("NOT_FOUND", "Not found");
  return new AppError("METHOD_NOT_ALLOWED", `Method ${request.method} is not allowed here; allowed: ${allow}`, undefined, { allow });
}
