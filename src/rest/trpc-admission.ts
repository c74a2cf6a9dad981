import type { AnyRouter } from "@trpc/server";
import { getErrorShape, transformTRPCResponse } from "@trpc/server/unstable-core-do-not-import";
import { AppError, ERROR_TABLE, isAppError } from "../platform/errors.ts";
import type { Logger } from "../platform/logger.ts";
import type { Context, RequestInfo } from "../trpc/context.ts";
import { toAppError, toTrpcError } from "../trpc/errors.ts";
import { bodyLimitOf, isJsonContentType, largestBodyBytes, type BodyLimit, payloadTooLarge, readBodyText, unsupportedMediaType } from "./body-limits.ts";

/** The most procedure calls one tRPC request may batch (the typed client batches up to this). */
export const MAX_TRPC_BATCH = 20;

const ENDPOINT_PREFIX = "/trpc/";

/** A request tRPC may handle, and the context to handle it with. */
export interface AdmittedTrpcRequest {
  request: Request;
  createContext(responseHeaders: Headers): Context;
}

/**
 * What the /trpc endpoint checks before tRPC's fetch adapter sees a request: GET and POST only
 * (405 with Allow), JSON bodies only (415), each procedure's body limit (413, the sum over a
 * batch, never more than the largest single limit), and authentication before an upload's body.
 * Refusals are tRPC error envelopes. The batch size itself is tRPC's `maxBatchSize`.
 */
export function createTrpcAdmission(options: {
  router: AnyRouter;
  /** Each procedure's, from `bodyLimitsByPath`. */
  bodyLimits: ReadonlyMap<string, BodyLimit>;
  createContext: (info: RequestInfo, responseHeaders: Headers) => Context;
  logger: Logger;
}) {
  const { router, bodyLimits: limits, createContext, logger } = options;
  const fallback = bodyLimitOf(undefined);
  const largest = largestBodyBytes(limits);
  const config = router._def._config;

  const refuse = (error: AppError, info: RequestInfo, headers: Record<string, string> = {}): Response => {
    const shape = getErrorShape({
      config,
      error: toTrpcError(error),
      type: "unknown",
      path: undefined,
      input: undefined,
      ctx: createContext(info, new Headers()),
    });
    return new Response(JSON.stringify(transformTRPCResponse(config, { error: shape })), {
      status: ERROR_TABLE[error.code].status,
      headers: { "content-type": "application/json", ...error.headers, ...headers },
    });
  };

  const plain = (request: Request, info: RequestInfo): AdmittedTrpcRequest => ({
    request,
    createContext: (responseHeaders) => createContext(info, responseHeaders),
  });

  async function admitPost(request: Request, info: RequestInfo): Promise<AdmittedTrpcRequest | Response> {
    const contentType = request.headers.get("content-type");
    if (!isJsonContentType(contentType)) return refuse(unsupportedMediaType(contentType), info);
    const url = new URL(request.url);
    const paths = decodedPath(url.pathname.slice(ENDPOINT_PREFIX.length)).split(",");
    // tRPC refuses an oversized batch before it reads the body.
    if (paths.length > MAX_TRPC_BATCH) return plain(request, info);
    let maxBytes = 0;
    let authenticateFirst = false;
    for (const path of paths) {
      const limit = limits.get(path) ?? fallback;
      maxBytes += limit.maxBytes;
      authenticateFirst ||= limit.authenticateFirst;
    }
    maxBytes = Math.min(maxBytes, largest);

    let early: Context | undefined;
    if (authenticateFirst) {
      early = createContext(info, new Headers());
      if (!(await early.principal())) return refuse(new AppError("UNAUTHENTICATED", "Authentication required"), info);
    }
    let admitted = request;
    if (request.headers.get("content-length") === null) {
      // A body of unknown length (chunked): read it here, up to the limit, and hand tRPC the text.
      const text = await readBodyText(request, maxBytes);
      admitted = new Request(request.url, { method: "POST", headers: request.headers, body: text, signal: request.signal });
    } else if (!(Number(request.headers.get("content-length")) <= maxBytes)) {
      return refuse(payloadTooLarge(maxBytes), info);
    }
    if (!early) return plain(admitted, info);
    const context = early;
    return {
      request: admitted,
      createContext: (responseHeaders) => {
        // A renewed session cookie was set while authenticating: it goes on tRPC's response.
        for (const cookie of context.responseHeaders.getSetCookie()) responseHeaders.append("set-cookie", cookie);
        return { ...context, responseHeaders };
      },
    };
  }

  /** The request to give tRPC, or the refusal to answer with. */
  return function admit(request: Request, info: RequestInfo): AdmittedTrpcRequest | Response | Promise<AdmittedTrpcRequest | Response> {
    const method = request.method;
    if (method === "GET" || method === "HEAD") return plain(request, info);
    if (method !== "POST") {
      return refuse(new AppError("METHOD_NOT_ALLOWED", `${method} is not supported on /trpc; use GET for queries and subscriptions, POST for mutations`), info, {
        allow: "GET, HEAD, POST",
      });
    }
    return admitPost(request, info).catch((error: unknown) => {
      if (!isAppError(error)) logger.error("request failed", { requestId: info.requestId, error: error instanceof Error ? error : String(error) });
      return refuse(toAppError(error), info);
    });
  };
}

/** A malformed escape stays as it is: tRPC then finds no procedure there (404). */
function decodedPath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
