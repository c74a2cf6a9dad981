import { compute } from "./compute.ts";
import { hosting } from "./hosting.ts";
import { market } from "./market.ts";
import { mobile } from "./mobile.ts";
import type { SurfaceDefinition } from "./types.ts";
import { workspaces } from "./workspaces.ts";

/**
 * The registry of the five product surfaces. The REST adapter, the OpenAPI document and the
 * surface rate limits read a surface only from here; a procedure names its surface in
 * `meta.rest.surface`.
 */
export const SURFACE_REGISTRY = { mobile, market, workspaces, hosting, compute } as const;

export type Surface = keyof typeof SURFACE_REGISTRY;

export const SURFACE_NAMES = Object.keys(SURFACE_REGISTRY) as Surface[];

export function isSurface(name: string): name is Surface {
  return Object.hasOwn(SURFACE_REGISTRY, name);
}

export function surfaceNamed(name: Surface): SurfaceDefinition {
  return SURFACE_REGISTRY[name];
}

/** Whether a route path (`:param` or `{param}` style) lies within one of the surface's prefixes. */
export function withinPrefixes(surface: SurfaceDefinition, path: string): boolean {
  return surface.prefixes.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

/** Paths no surface claims still get an envelope: market's under `/api`, compute's elsewhere (both `{ error }`). */
const UNCLAIMED_API: SurfaceDefinition = market;
const UNCLAIMED_ROOT: SurfaceDefinition = compute;

/** Every prefix of every surface, longest first, so `/api/v1/x` is hosting's and not a shorter claim's. */
const PREFIXES = Object.values(SURFACE_REGISTRY)
  .flatMap((surface: SurfaceDefinition) => surface.prefixes.map((prefix) => ({ prefix, surface })))
  .sort((a, b) => b.prefix.length - a.prefix.length);

/** Which product a path belongs to, for requests no route matched (404, 405, unparsable body). */
export function surfaceOfPath(pathname: string): SurfaceDefinition {
  for (const { prefix, surface } of PREFIXES) {
    if (pathname === prefix || pathname.startsWith(`${prefix}/`)) return surface;
  }
  return pathname === "/api" || pathname.startsWith("/api/") ? UNCLAIMED_API : UNCLAIMED_ROOT;
}

export type { JsonSchemaObject, RateLimitPolicy, RenderedError, SurfaceDefinition } from "./types.ts";
