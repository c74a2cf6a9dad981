import type { AnyProcedure, AnyRouter } from "@trpc/server";
import { getErrorShape, transformTRPCResponse } from "@trpc/server/unstable-core-do-not-import";
import { ClientCaps, type ClientLimits } from "../platform/client-caps.ts";
import type { AppError } from "../platform/errors.ts";
import type { RequestInfo } from "../trpc/context.ts";
import { toTrpcError } from "../trpc/errors.ts";
import type { SurfaceDefinition } from "../surfaces/index.ts";
import type { ProcedureMeta } from "../trpc/meta.ts";
import type { RestRoute } from "./routes.ts";

/** Bun's idle timeout may not exceed this many seconds. */
const BUN_MAX_IDLE_S = 255;

/** The part of Bun's server the gate uses: a per-request idle timeout (0 = none). */
export interface TimeoutControl {
  timeout(request: Request, seconds: number): void;
}

type RestHandle = (request: Request, params: Record<string, string>, info: RequestInfo) => Promise<Response>;
type GatedRestHandle = (
  request: Request,
  params: Record<string, string>,
  info: RequestInfo,
  server: TimeoutControl | null,
) => Promise<Response>;

/** How a procedure's requests are held: a stream, work that may outlast the idle timeout, or neither. */
type Kind = "stream" | "long" | "plain";

/**
 * Per-client caps and idle timeouts at the HTTP edge, for REST and tRPC alike. Every request holds
 * a slot of its client address while its handler runs; a stream (SSE, tRPC subscription) holds its
 * slots until the client leaves or the stream ends, and is exempt from the idle timeout. Procedures
 * marked `longRunning` (device commands) get Bun's longest idle timeout instead of the default.
 */
export class ClientGate {
  private readonly caps: ClientCaps;
  private readonly idleTimeoutS: number;

  constructor(limits: ClientLimits & { idleTimeoutS: number }) {
    this.caps = new ClientCaps(limits);
    this.idleTimeoutS = limits.idleTimeoutS;
  }

  /** Wraps one REST route's handler; over the caps it answers 429 in the route's surface envelope. */
  rest(route: RestRoute, handle: RestHandle): GatedRestHandle {
    const kind = kindOf(route.type, route.procedure);
    return (request, params, info, server) => {
      const release = this.caps.admit(info.ip, kind === "stream");
      if (typeof release !== "function") return Promise.resolve(refusal(route.surface, release, info.requestId));
      applyTimeout(kind, request, server);
      return handle(request, params, info).then(
        (response) => this.finish(kind, response, request, server, release),
        (error: unknown) => {
          release();
          throw error;
        },
      );
    };
  }

  /** Wraps a tRPC request; over the caps it answers 429 in tRPC's error envelope. */
  async trpc(
    router: AnyRouter,
    request: Request,
    info: RequestInfo,
    server: TimeoutControl | null,
    serve: () => Promise<Response>,
  ): Promise<Response> {
    const kind = trpcKind(router, request.url);
    const release = this.caps.admit(info.ip, kind === "stream");
    if (typeof release !== "function") return trpcRefusal(router, release);
    applyTimeout(kind, request, server);
    let response: Response;
    try {
      response = await serve();
    } catch (error) {
      release();
      throw error;
    }
    return this.finish(kind, response, request, server, release);
  }

  /**
   * Releases the slots when the request is done: now, or for an event stream when it ends. Bun
   * keeps a request's timeout for the rest of its keep-alive connection, and ignores a change once
   * the response is sent, so a lifted timeout is put back before the last byte goes out.
   */
  private finish(kind: Kind, response: Response, request: Request, server: TimeoutControl | null, release: () => void): Response {
    if (kind === "plain") {
      release();
      return response;
    }
    const restore = () => {
      try {
        server?.timeout(request, this.idleTimeoutS);
      } catch {
        // the connection is already gone
      }
    };
    if (kind === "long" || !isEventStream(response)) {
      restore();
      release();
      return response;
    }
    return holdUntilDone(response, request, () => {
      restore();
      release();
    });
  }
}

function kindOf(type: string, procedure: AnyProcedure | undefined): Kind {
  if (type === "subscription") return "stream";
  return (procedure?._def.meta as ProcedureMeta | undefined)?.longRunning ? "long" : "plain";
}

/** `/trpc/a.b,c.d?batch=1`: a stream if it calls a subscription, long if any call is long-running. */
function trpcKind(router: AnyRouter, url: string): Kind {
  const start = url.indexOf("/trpc/");
  if (start < 0) return "plain";
  const query = url.indexOf("?", start);
  let paths: string[];
  try {
    paths = decodeURIComponent(url.slice(start + "/trpc/".length, query < 0 ? undefined : query)).split(",");
  } catch {
    return "plain";
  }
  const procedures = router._def.procedures as Record<string, AnyProcedure | undefined>;
  let kind: Kind = "plain";
  for (const path of paths) {
    const procedure = Object.hasOwn(procedures, path) ? procedures[path] : undefined;
    if (!procedure) continue;
    const own = kindOf(procedure._def.type, procedure);
    if (own === "stream") return "stream";
    if (own === "long") kind = "long";
  }
  return kind;
}

function isEventStream(response: Response): boolean {
  return response.headers.get("content-type")?.startsWith("text/event-stream") ?? false;
}

function applyTimeout(kind: Kind, request: Request, server: TimeoutControl | null): void {
  if (kind === "stream") server?.timeout(request, 0);
  else if (kind === "long") server?.timeout(request, BUN_MAX_IDLE_S);
}

/** The response with a body that releases the stream's slots when it ends or the client leaves. */
function holdUntilDone(response: Response, request: Request, release: () => void): Response {
  request.signal.addEventListener("abort", release, { once: true });
  const source = response.body;
  if (!source) {
    release();
    return response;
  }
  const reader = source.getReader();
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      let next: Awaited<ReturnType<typeof reader.read>>;
      try {
        next = await reader.read();
      } catch (error) {
        release();
        if (!cancelled) controller.error(error);
        return;
      }
      if (cancelled) return;
      if (next.done) {
        release();
        controller.close();
      } else {
        controller.enqueue(next.value);
      }
    },
    cancel(reason) {
      cancelled = true;
      release();
      return reader.cancel(reason);
    },
  });
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}

function trpcRefusal(router: AnyRouter, error: AppError): Response {
  const config = router._def._config;
  const shape = getErrorShape({ config, error: toTrpcError(error), type: "unknown", path: undefined, input: undefined, ctx: undefined });
  return new Response(JSON.stringify(transformTRPCResponse(config, { error: shape })), {
    status: error.status,
    headers: { "content-type": "application/json", ...error.headers },
  });
}

function refusal(surface: SurfaceDefinition, error: AppError, requestId: string): Response {
  const rendered = surface.renderError(error, requestId);
  const headers = new Headers({ "content-type": "application/json; charset=utf-8", "x-request-id": requestId });
  for (const [name, value] of Object.entries(error.headers ?? {})) headers.set(name, value);
  return new Response(JSON.stringify(rendered.body), { status: rendered.status, headers });
}
