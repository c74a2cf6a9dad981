import type { Surface } from "../surfaces/index.ts";

/** REST metadata a procedure carries; the adapter registers one route per procedure that has it. */
export type { Surface };

/** Anyone can reach a public procedure: sign-up, sign-in and token bodies are a few hundred bytes. */
export const PUBLIC_BODY_BYTES = 16 * 1024;
/** Every other JSON procedure, read before the procedure has authenticated its caller. */
export const AUTHED_BODY_BYTES = 64 * 1024;
/** Room above a base64 field's schema maximum for the rest of the JSON object around it. */
export const JSON_ENVELOPE_BYTES = 64 * 1024;

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** Auth schemes as the OpenAPI document names them. */
export type AuthScheme = "bearer" | "cookie" | "walletSignature" | "adminKey";

export interface RestMeta {
  method: HttpMethod;
  /** The documented path, `:param` or `{param}` style. */
  path: string;
  surface: Surface;
  /** Success status; defaults to 200 (204 renders no body). */
  status?: number;
  summary?: string;
  description?: string;
  tags?: string[];
  /**
   * Hosting lists: the procedure returns a NumberedPage (`src/platform/paging`), rendered as
   * `{ data, pagination }`. Lists on the other surfaces return their cursor body themselves.
   */
  list?: boolean;
  /** Auth schemes accepted; empty or absent means public. */
  auth?: readonly AuthScheme[];
  /**
   * Binary REST response (a screenshot): the procedure returns base64 in `base64Field` for tRPC;
   * REST callers get the decoded bytes with this content type.
   */
  binary?: { base64Field: string; contentType: string };
  /**
   * The JSON body is handed over as its exact text in this string input field instead of being
   * parsed (a webhook checks a signature over the bytes as sent); `description` documents the body.
   */
  rawBody?: { field: string; description: string };
  /** Server-Sent Events route (subscription procedures): field of each event naming its SSE `event:`. */
  sseEventField?: string;
  /**
   * Error statuses this route answers beyond the ones every route documents (validation, 401 with
   * auth, 404 with path parameters, 500), each with when it happens: `{ 429: "…", 503: "…" }`.
   */
  errors?: Readonly<Record<number, string>>;
}

/** Workspace roles, lowest first (the workspaces document: "developer+", "owner/maintainer", "owner"). */
export type WorkspaceRole = "viewer" | "developer" | "maintainer" | "owner";

/**
 * Who may call a procedure. Every procedure declares it (start-up refuses one that does not, or
 * whose base procedure does not enforce it); tests/security checks each route over HTTP.
 * - `"public"`: anyone; credentials are not required (a bad one is not an error).
 * - `"user"`: any signed-in principal, acting on its own account or creating its own resources.
 * - `"owner"`: a signed-in principal on a resource the input names; another user's is a 404.
 * - `{ workspace: role }`: a member of the workspace the input names with at least `role`;
 *   a non-member gets 404, a member below the role 403.
 * - `"admin"`: platform admins; any other principal gets 403.
 */
export type Access = "public" | "user" | "owner" | "admin" | { workspace: WorkspaceRole };

export interface ProcedureMeta {
  /** Required, and never inherited from a base procedure: an owner-scoped route must say so itself. */
  access: Access;
  rest?: RestMeta;
  /**
   * The procedure may work longer than REQUEST_IDLE_TIMEOUT_S without sending a byte (a device
   * command): its request gets Bun's longest idle timeout, 255 s, instead of the default.
   */
  longRunning?: true;
  /**
   * The largest request body, in bytes, on REST and tRPC alike (see rest/body-limits.ts for the
   * defaults). Above the authenticated default it is an upload: the body is read only once the
   * caller has authenticated.
   */
  maxBodyBytes?: number;
  /**
   * Honours an `Idempotency-Key` header (Stripe's semantics, `src/platform/idempotency`); the
   * procedure also runs `.use(idempotencyKey)` from `src/trpc/idempotency.ts` after its input,
   * and start-up refuses one without the other, or on a REST method other than POST.
   */
  idempotent?: true;
}
