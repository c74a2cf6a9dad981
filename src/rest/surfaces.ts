import { ERROR_TABLE, type AppError } from "../platform/errors.ts";
import type { Surface } from "./meta.ts";

/**
 * Each product document's envelopes. Surfaces change only the envelope; the status comes from the
 * error table, except validation, which the hosting document answers with 422 `unprocessable_entity`.
 */
export interface RenderedError {
  status: number;
  body: unknown;
}

/** Hosting's documented answer to invalid input; the field-by-field messages go in `details`. */
const HOSTING_VALIDATION = { status: 422, code: "unprocessable_entity", message: "Validation failed" };

export function renderError(surface: Surface, error: AppError, requestId: string): RenderedError {
  const row = ERROR_TABLE[error.code];
  const internal = row.status >= 500;
  if (surface === "hosting") {
    const { status, code, message } = error.code === "VALIDATION" ? HOSTING_VALIDATION : { status: row.status, code: row.slug, message: error.message };
    return {
      status,
      body: {
        error: {
          code,
          message,
          ...(error.details ? { details: error.details } : {}),
          request_id: requestId,
        },
      },
    };
  }
  const body: Record<string, unknown> = { error: error.message };
  // The mobile document adds an optional machine-readable code.
  if (surface === "mobile") body.code = row.slug;
  if (error.details && error.code === "VALIDATION") body.details = error.details;
  if (internal) body.request_id = requestId;
  return { status: row.status, body };
}

export interface ListOutput {
  items: unknown[];
  pagination: unknown;
}

/** Success envelopes: hosting wraps in `{ data }`; the other four print the object as documented. */
export function renderSuccess(surface: Surface, output: unknown, list: boolean): unknown {
  if (surface !== "hosting") return output;
  if (list) {
    const { items, pagination } = output as ListOutput;
    return { data: items, pagination };
  }
  return { data: output };
}

const API_SEGMENT: Record<string, Surface> = {
  v1: "hosting",
  sessions: "mobile",
  skills: "mobile",
  account: "mobile",
  jobs: "market",
  board: "market",
  agents: "market",
  wallet: "market",
  verify: "market",
  whoami: "market",
  stripe: "market",
  auth: "workspaces",
  workspaces: "workspaces",
  sandboxes: "workspaces",
  agent: "workspaces",
  tunnel: "workspaces",
};

const ROOT_SEGMENT: Record<string, Surface> = {
  auth: "mobile",
  proxy: "workspaces",
  health: "compute",
  tiers: "compute",
  credentials: "compute",
  vms: "compute",
  status: "compute",
  agents: "compute",
  admin: "compute",
  x402: "compute",
};

/** Which product a path belongs to, for requests no route matched (404, 405, unparsable body). */
export function surfaceForPath(pathname: string): Surface {
  const segments = pathname.split("/", 4);
  const first = segments[1] ?? "";
  if (first === "api") return API_SEGMENT[segments[2] ?? ""] ?? "market";
  return ROOT_SEGMENT[first] ?? "compute";
}
