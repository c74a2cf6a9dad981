import { AppError } from "../platform/errors.ts";
import type { Context, RequestInfo } from "../trpc/context.ts";
import { toAppError } from "../trpc/errors.ts";
import { checkIdempotencyDeclaration } from "../trpc/idempotency.ts";
import { procedureCaller } from "./call-procedure.ts";
import { readRestInput } from "./input.ts";
import type { RestRoute } from "./routes.ts";
import { sseResponse } from "./sse.ts";

const JSON_TYPE = "application/json; charset=utf-8";

export interface RestHandlerDeps {
  createContext(request: RequestInfo): Context;
  shutdownSignal: AbortSignal;
}

/** The request → procedure → response path for one route; everything route-specific is precomputed. */
export function createRestHandler(route: RestRoute, deps: RestHandlerDeps) {
  const { meta, type, procedurePath, surface } = route;
  const call = procedureCaller(route.procedure, procedurePath);
  const successStatus = meta.status ?? 200;
  const list = meta.list === true;
  const authenticateBeforeBody = route.takesBody && route.body.authenticateFirst;
  checkIdempotencyDeclaration(procedurePath, route.procedure, meta.method);
  return async function handleRest(
    request: Request,
    params: Record<string, string>,
    info: RequestInfo,
  ): Promise<Response> {
    const ctx = deps.createContext(info);
    // Every REST response carries its own X-Request-Id (see app.ts): Elysia then passes it through.
    ctx.responseHeaders.set("x-request-id", info.requestId);
    try {
      // An upload's large limit is for callers who have proved who they are; the procedure's own
      // check comes too late, after the body.
      if (authenticateBeforeBody && !(await ctx.principal())) throw new AppError("UNAUTHENTICATED", "Authentication required");
      const read = readRestInput(route, request, params);
      const input = read instanceof Promise ? await read : read;
      if (type === "subscription" && typeof input === "object" && input !== null) {
        const lastEventId = request.headers.get("last-event-id");
        if (lastEventId) (input as Record<string, unknown>).lastEventId ??= lastEventId;
      }
      const output = await call({
        ctx,
        path: procedurePath,
        type,
        getRawInput: async () => input,
        signal: request.signal,
      });
      if (type === "subscription") {
        return sseResponse(output as AsyncIterable<unknown>, {
          eventField: meta.sseEventField,
          signals: [request.signal, deps.shutdownSignal],
          headers: ctx.responseHeaders,
        });
      }
      if (meta.binary) {
        const encoded = (output as Record<string, unknown>)[meta.binary.base64Field];
        ctx.responseHeaders.set("content-type", meta.binary.contentType);
        return new Response(Buffer.from(String(encoded), "base64"), { status: successStatus, headers: ctx.responseHeaders });
      }
      if (successStatus === 204) {
        return new Response(null, { status: 204, headers: ctx.responseHeaders });
      }
      ctx.responseHeaders.set("content-type", JSON_TYPE);
      return new Response(JSON.stringify(surface.renderSuccess(output, list)), {
        status: successStatus,
        headers: ctx.responseHeaders,
      });
    } catch (error) {
      const appError = toAppError(error);
      const rendered = surface.renderError(appError, info.requestId);
      for (const [name, value] of Object.entries(appError.headers ?? {})) {
        ctx.responseHeaders.set(name, value);
      }
      ctx.responseHeaders.set("content-type", JSON_TYPE);
      return new Response(JSON.stringify(rendered.body), {
        status: rendered.status,
        headers: ctx.responseHeaders,
      });
    }
  };
}
