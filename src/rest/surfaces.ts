import type { AppError } from "../platform/errors.ts";
import { surfaceNamed, surfaceOfPath, type RenderedError, type Surface } from "../surfaces/index.ts";

/**
 * The adapter's view of the surface registry (src/surfaces): each product's envelopes, by name or
 * by path. Surfaces change only the envelope; the status comes from the error table, except where
 * a document says otherwise (hosting's 422 on validation).
 */
export type { RenderedError };

export function renderError(surface: Surface, error: AppError, requestId: string): RenderedError {
  return surfaceNamed(surface).renderError(error, requestId);
}

export function renderSuccess(surface: Surface, output: unknown, list: boolean): unknown {
  return surfaceNamed(surface).renderSuccess(output, list);
}

/** Which product a path belongs to, for requests no route matched (404, 405, unparsable body). */
export function surfaceForPath(pathname: string): Surface {
  return surfaceOfPath(pathname).name as Surface;
}
