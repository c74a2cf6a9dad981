import type { AppError } from "../platform/errors.ts";
import type { RateLimitRule, ViolationRule } from "../platform/rate-limit/types.ts";

/** A JSON Schema object as the OpenAPI document prints it. */
export type JsonSchemaObject = Record<string, unknown>;

export interface RenderedError {
  status: number;
  body: unknown;
}

/**
 * A surface's documented rate limits, as data; the limiter (platform/rate-limit) counts, and the
 * surface rate-limit step applies the policy before a procedure runs, on REST and tRPC alike.
 * - `none`: not limited here.
 * - `per-credential`: every route counts against the caller's API key (per user for other
 *   credentials, per IP without one); the counters ride on every response.
 * - `per-ip-endpoint`: per IP and per endpoint template (`null` is unlimited, a `/*` pattern is
 *   one bucket for every route under it); each 429 is a violation and `autoBan` bans the IP;
 *   `banExempt` routes stay open to a banned IP; on `adminPattern` a signed-in admin has a budget
 *   of their own and passes the IP's ban.
 */
export type RateLimitPolicy =
  | { kind: "none" }
  | { kind: "per-credential"; rule: RateLimitRule }
  | {
      kind: "per-ip-endpoint";
      endpoints: Readonly<Record<string, RateLimitRule | null>>;
      adminPattern: string;
      banExempt: readonly string[];
      autoBan: ViolationRule;
    };

/** One product's API as its document describes it. The registry (index.ts) lists the five. */
export interface SurfaceDefinition {
  name: string;
  /** The OpenAPI tag's description. */
  description: string;
  /**
   * Where its routes live: a route's path must equal a prefix or continue it with `/`; start-up
   * refuses one outside. Also how a request no route matched finds its envelope.
   */
  prefixes: readonly string[];
  renderSuccess(output: unknown, list: boolean): unknown;
  renderError(error: AppError, requestId: string): RenderedError;
  openapi: {
    /** The component schema of its error envelope. */
    errorSchema: { name: string; schema: JsonSchemaObject };
    /** The status it answers invalid input with. */
    validationStatus: number;
    /** The success body's schema around a procedure's output schema. */
    successSchema(output: JsonSchemaObject, list: boolean): JsonSchemaObject;
    /** Further component schemas its envelopes refer to. */
    schemas?: Readonly<Record<string, JsonSchemaObject>>;
  };
  rateLimit: RateLimitPolicy;
}
