import { SURFACE_REGISTRY, type SurfaceDefinition } from "../surfaces/index.ts";
import { ANTHROPIC_PROXY_OPENAPI } from "../domains/anthropic-proxy/index.ts";
import { SUBDOMAIN_PROXY_OPENAPI } from "../domains/sandboxes/index.ts";
import { rateLimitErrors } from "../surfaces/rate-limit-errors.ts";
import type { AuthScheme, ProcedureMeta, RestMeta } from "../trpc/meta.ts";
import { jsonSchemaOf, type JsonSchema, type RestRoute } from "./routes.ts";

/**
 * The OpenAPI 3.1 document, generated once at start-up from the same zod schemas the procedures
 * validate with, in each surface's real envelopes and error shapes.
 */
export function buildOpenApiDocument(
  routes: RestRoute[],
  info: { title: string; version: string; serverUrl?: string },
): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const operations = (paths[route.openapiPath] ??= {});
    operations[route.meta.method.toLowerCase()] = operationFor(route, rateLimitErrors(route.surface, route.meta.path));
  }
  return {
    openapi: "3.1.0",
    info: {
      title: info.title,
      version: info.version,
      description:
        "One platform serving five product APIs: mobile (cloud Android sessions), market (jobs), " +
        "workspaces (sandboxes), hosting (`/api/v1`, `{ data }` envelopes) and compute (on-chain VMs). " +
        "Every operation is also a tRPC procedure at `/trpc/<procedure>`.",
    },
    ...(info.serverUrl ? { servers: [{ url: info.serverUrl }] } : {}),
    tags: SURFACE_TAGS,
    paths,
    // Raw handlers that are no OpenAPI operation (any method, any path below them), documented as an extension.
    "x-proxies": [ANTHROPIC_PROXY_OPENAPI, SUBDOMAIN_PROXY_OPENAPI],
    components: {
      securitySchemes: SECURITY_SCHEMES,
      schemas: ERROR_SCHEMAS,
    },
  };
}

const SURFACES: readonly SurfaceDefinition[] = Object.values(SURFACE_REGISTRY);

const SURFACE_TAGS = SURFACES.map(({ name, description }) => ({ name, description }));

const SECURITY_SCHEMES: Record<AuthScheme, unknown> = {
  bearer: {
    type: "http",
    scheme: "bearer",
    description: "An API key (`oc_live_…`) or a JWT access token from `/auth/verify`.",
  },
  cookie: {
    type: "apiKey",
    in: "cookie",
    name: "session",
    description: "Browser session cookie. A write (POST, PUT, PATCH, DELETE) it signs in must carry this site's Origin, else 403.",
  },
  walletSignature: {
    type: "http",
    scheme: "bearer",
    description: 'Wallet signature of the message "ClawCloud Access Request: {tokenId}".',
  },
  adminKey: { type: "apiKey", in: "header", name: "x-admin-key", description: "Admin API key." },
};

/** Each surface's error envelope and the schemas its envelopes refer to, from the registry. */
const ERROR_SCHEMAS: Record<string, JsonSchema> = Object.fromEntries(
  SURFACES.flatMap((surface) => [
    [surface.openapi.errorSchema.name, surface.openapi.errorSchema.schema],
    ...Object.entries(surface.openapi.schemas ?? {}),
  ]),
);

function operationFor(route: RestRoute, policyErrors: Readonly<Record<number, string>>): Record<string, unknown> {
  const { meta } = route;
  const inputSchema = route.input ? jsonSchemaOf(route.input, "input") : undefined;
  const properties = inputSchema?.properties ?? {};
  const required = new Set(inputSchema?.required ?? []);
  const parameters: unknown[] = route.pathParams.map((name) => ({
    name,
    in: "path",
    required: true,
    schema: properties[name] ?? { type: "string" },
  }));
  let requestBody: unknown;
  if (route.takesBody && meta.rawBody) {
    requestBody = { required: true, content: { "application/json": { schema: { type: "object", description: meta.rawBody.description } } } };
  } else if (route.takesBody && inputSchema) {
    const bodyProperties = Object.fromEntries(
      Object.entries(properties).filter(([name]) => !route.pathParams.includes(name)),
    );
    if (Object.keys(bodyProperties).length > 0 || inputSchema.type !== "object") {
      const bodySchema =
        inputSchema.type === "object"
          ? {
              ...inputSchema,
              properties: bodyProperties,
              required: [...required].filter((n) => !route.pathParams.includes(n)),
            }
          : inputSchema;
      requestBody = { required: true, content: { "application/json": { schema: stripMeta(bodySchema) } } };
    }
  } else {
    for (const [name, schema] of Object.entries(properties)) {
      if (route.pathParams.includes(name) || name === "lastEventId") continue;
      parameters.push({ name, in: "query", required: required.has(name), schema });
    }
  }
  const status = String(meta.status ?? 200);
  const errorRef = { $ref: `#/components/schemas/${route.surface.openapi.errorSchema.name}` };
  const errorResponse = (description: string) => ({
    description,
    content: { "application/json": { schema: errorRef } },
  });
  const responses: Record<string, unknown> = {
    [status]: successResponse(route, status),
    [String(route.surface.openapi.validationStatus)]: errorResponse("Invalid input; the message names the field."),
    "500": errorResponse("Internal error; carries a request id."),
  };
  const security = acceptedSchemes(meta);
  if (security.length) responses["401"] = errorResponse("Missing or invalid credentials.");
  if (security.includes("cookie") && meta.method !== "GET") {
    responses["403"] = errorResponse("Signed in by the session cookie from another origin: a cookie write needs this site's Origin.");
  }
  if (route.pathParams.length) responses["404"] = errorResponse("Not found (or not yours).");
  if (requestBody) {
    responses["413"] = errorResponse(`Request body larger than ${route.body.maxBytes} bytes.`);
    responses["415"] = errorResponse("Request body not sent as `Content-Type: application/json`.");
  }
  const access = (route.procedure._def.meta as ProcedureMeta | undefined)?.access;
  if (access === "admin") responses["403"] = errorResponse("Signed in, but not a platform admin.");
  for (const [status, description] of Object.entries({ ...policyErrors, ...meta.errors })) {
    responses[status] = errorResponse(description);
  }
  return {
    operationId: route.procedurePath,
    summary: meta.summary,
    description: meta.description,
    tags: [meta.surface, ...(meta.tags ?? [])],
    // Who may call it (src/trpc/meta.ts `Access`): public, user, owner, admin or { workspace: role }.
    ...(access ? { "x-access": access } : {}),
    security: security.map((s) => ({ [s]: [] })),
    ...(parameters.length ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses,
  };
}

/**
 * The schemes a route accepts. The principal resolver takes the session cookie wherever it takes a
 * bearer user credential, so a bearer route documents the cookie too (writes by cookie need this
 * site's Origin).
 */
function acceptedSchemes(meta: RestMeta): AuthScheme[] {
  const schemes = [...(meta.auth ?? [])];
  if (schemes.includes("bearer") && !schemes.includes("cookie")) schemes.push("cookie");
  return schemes;
}

function successResponse(route: RestRoute, status: string): unknown {
  if (status === "204") return { description: "No content." };
  if (route.meta.binary) {
    return { description: "Binary content.", content: { [route.meta.binary.contentType]: { schema: { type: "string", contentEncoding: "binary" } } } };
  }
  if (route.type === "subscription") {
    return {
      description: "Server-Sent Events stream; reconnect with Last-Event-ID to resume.",
      content: { "text/event-stream": { schema: { type: "string" } } },
    };
  }
  const output = route.output ? stripMeta(jsonSchemaOf(route.output, "output")) : {};
  const schema = route.surface.openapi.successSchema(output, route.meta.list === true);
  return { description: "Success.", content: { "application/json": { schema } } };
}

function stripMeta(schema: JsonSchema): JsonSchema {
  const { $schema: _drop, ...rest } = schema;
  return rest;
}
