/** REST metadata a procedure carries; the adapter registers one route per procedure that has it. */
export const SURFACES = ["mobile", "market", "workspaces", "hosting", "compute"] as const;
export type Surface = (typeof SURFACES)[number];

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
  /** Hosting lists: the procedure returns `{ items, pagination }`, rendered as `{ data, pagination }`. */
  list?: boolean;
  /** Auth schemes accepted; empty or absent means public. */
  auth?: readonly AuthScheme[];
  /**
   * Binary REST response (a screenshot): the procedure returns base64 in `base64Field` for tRPC;
   * REST callers get the decoded bytes with this content type.
   */
  binary?: { base64Field: string; contentType: string };
  /** Server-Sent Events route (subscription procedures): field of each event naming its SSE `event:`. */
  sseEventField?: string;
  /**
   * Error statuses this route answers beyond the ones every route documents (validation, 401 with
   * auth, 404 with path parameters, 500), each with when it happens: `{ 429: "…", 503: "…" }`.
   */
  errors?: Readonly<Record<number, string>>;
}

export interface ProcedureMeta {
  rest?: RestMeta;
}
