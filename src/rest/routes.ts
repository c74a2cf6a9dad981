import type { AnyProcedure, AnyRouter } from "@trpc/server";
import { z } from "zod";
import { isSurface, surfaceNamed, withinPrefixes, type SurfaceDefinition } from "../surfaces/index.ts";
import { bodyLimitOf, type BodyLimit } from "./body-limits.ts";
import type { HttpMethod, ProcedureMeta, RestMeta } from "../trpc/meta.ts";

/** How a string from a path or query string becomes the type the input schema expects. */
export type Coercion = "number" | "boolean" | "array" | "string";

/** One REST route, computed once at start-up from a procedure's metadata and schemas. */
export interface RestRoute {
  procedurePath: string;
  procedure: AnyProcedure;
  type: "query" | "mutation" | "subscription";
  meta: RestMeta;
  /** The registry's entry for `meta.surface`: envelopes, OpenAPI shapes, rate-limit policy. */
  surface: SurfaceDefinition;
  /** Elysia style: `/api/v1/instances/:id`. */
  routerPath: string;
  /** OpenAPI style: `/api/v1/instances/{id}`. */
  openapiPath: string;
  pathParams: string[];
  input: z.ZodType | undefined;
  output: z.ZodType | undefined;
  /** Coercions for the input's top-level properties, used for path and query values. */
  coercions: Record<string, Coercion>;
  takesBody: boolean;
  /** How much body the route reads, and whether only after authentication. */
  body: BodyLimit;
  /** Whether the input is an object the adapter may merge parameters into. */
  objectInput: boolean;
}

const BODY_METHODS: ReadonlySet<HttpMethod> = new Set(["POST", "PUT", "PATCH"]);

interface ProcedureDef {
  type: "query" | "mutation" | "subscription";
  meta?: ProcedureMeta;
  inputs: unknown[];
  output?: unknown;
}

export function collectRestRoutes(router: AnyRouter): RestRoute[] {
  const routes: RestRoute[] = [];
  const seen = new Map<string, string>();
  const procedures = router._def.procedures as Record<string, AnyProcedure>;
  for (const [procedurePath, procedure] of Object.entries(procedures)) {
    const def = procedure._def as unknown as ProcedureDef;
    const meta = def.meta?.rest;
    if (!meta) continue;
    const surface = surfaceOf(procedurePath, meta);
    const routerPath = meta.path.replace(/\{(\w+)\}/g, ":$1");
    const key = `${meta.method} ${routerPath}`;
    const clash = seen.get(key);
    if (clash) throw new Error(`REST route ${key} is claimed by both ${clash} and ${procedurePath}`);
    seen.set(key, procedurePath);
    const input = mergeInputs(def.inputs);
    const output = def.output instanceof z.ZodType ? def.output : undefined;
    const inputJson = input ? jsonSchemaOf(input, "input") : undefined;
    routes.push({
      procedurePath,
      procedure,
      type: def.type,
      meta,
      surface,
      routerPath,
      openapiPath: routerPath.replace(/:(\w+)/g, "{$1}"),
      pathParams: [...routerPath.matchAll(/:(\w+)/g)].map((m) => m[1] as string),
      input,
      output,
      coercions: coercionsOf(inputJson),
      takesBody: BODY_METHODS.has(meta.method),
      body: bodyLimitOf(def.meta),
      objectInput: !input || inputJson?.type === "object",
    });
  }
  return routes;
}

/** The route's surface; start-up fails, naming the procedure, on an unknown one or a path outside its prefixes. */
function surfaceOf(procedurePath: string, meta: RestMeta): SurfaceDefinition {
  if (!isSurface(meta.surface)) throw new Error(`REST route of ${procedurePath} names an unknown surface ${JSON.stringify(meta.surface)}`);
  const surface = surfaceNamed(meta.surface);
  if (!withinPrefixes(surface, meta.path)) {
    throw new Error(
      `REST route of ${procedurePath}: ${meta.method} ${meta.path} is outside the ${surface.name} surface's paths (${surface.prefixes.join(", ")})`,
    );
  }
  return surface;
}

function mergeInputs(inputs: unknown[]): z.ZodType | undefined {
  const schemas = inputs.filter((i): i is z.ZodType => i instanceof z.ZodType);
  if (schemas.length === 0) return undefined;
  if (schemas.length === 1) return schemas[0];
  return schemas.reduce((acc, next) => z.intersection(acc, next));
}

export type JsonSchema = Record<string, unknown> & {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
};

/** JSON Schema (2020-12, as OpenAPI 3.1 uses) from a zod schema; dates become date-time strings. */
export function jsonSchemaOf(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  return z.toJSONSchema(schema, {
    io,
    unrepresentable: "any",
    override: (ctx) => {
      const def = (ctx.zodSchema as { _zod?: { def?: { type?: string } } })._zod?.def;
      if (def?.type === "date") {
        ctx.jsonSchema.type = "string";
        ctx.jsonSchema.format = "date-time";
      }
      if (def?.type === "bigint") {
        ctx.jsonSchema.type = "integer";
      }
    },
  }) as JsonSchema;
}

function coercionsOf(schema: JsonSchema | undefined): Record<string, Coercion> {
  const result: Record<string, Coercion> = {};
  for (const [name, property] of Object.entries(schema?.properties ?? {})) {
    result[name] = coercionOf(property);
  }
  return result;
}

function coercionOf(property: JsonSchema): Coercion {
  const types = new Set<string>();
  const visit = (s: JsonSchema) => {
    if (typeof s.type === "string") types.add(s.type);
    if (Array.isArray(s.type)) s.type.forEach((t) => types.add(t));
    s.anyOf?.forEach(visit);
  };
  visit(property);
  if (types.has("array")) return "array";
  if (types.has("string")) return "string";
  if (types.has("integer") || types.has("number")) return "number";
  if (types.has("boolean")) return "boolean";
  return "string";
}
