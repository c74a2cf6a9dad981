import type { ServerWebSocket } from "bun";
import type { SandboxRow } from "../../../db/schema/index.ts";
import { programOfSubdomain, type SandboxProgram } from "../../../drivers/sandbox/index.ts";
import { resolvePrincipal } from "../../auth/resolve-principal.ts";
import { SESSION_COOKIE } from "../../auth/sessions.ts";
import { AppError, messageOf } from "../../platform/errors.ts";
import { forwardRequest } from "../../platform/forward-request.ts";
import { hopByHop } from "../../platform/hop-by-hop.ts";
import type { Services } from "../../platform/services.ts";
import { decide } from "../workspaces/index.ts";
import { sandboxSecret } from "./lifecycle.ts";
import type { SandboxRoute } from "./module.ts";
import { findSandboxWithRole, sandboxIdOfLabel, touchSandbox } from "./records.ts";
import { resumeSandboxFor } from "./service.ts";

/**
 * The subdomain proxy (document 002): `oc-{id}.BASE_DOMAIN` reaches the opencode sandbox's port
 * 4096, `claw-{id}.BASE_DOMAIN` the openclaw sandbox's 18789. A streaming reverse proxy: bodies
 * flow both ways without buffering (SSE as it is produced), WebSocket upgrades are proxied both
 * ways, hop-by-hop headers are dropped, and the platform injects the sandbox's own credential
 * (the caller's bearer key and the platform's session cookie never reach the sandbox). Only
 * members of the sandbox's workspace get through (the platform's session cookie, or a bearer key
 * or token); everyone else gets 404 without the container being reached. A paused sandbox answers
 * 409 with a hint (or resumes, when its workspace has auto_resume). Any other Host falls through.
 */

/** The part of Bun's server the proxy uses. */
export interface ProxyServer {
  /** Bun's server has it; without it a WebSocket upgrade is refused. */
  upgrade?(request: Request, options: { headers?: HeadersInit; data: unknown }): boolean;
  timeout(request: Request, seconds: number): void;
  requestIP(request: Request): { address: string } | null;
}

export interface SubdomainProxy {
  /** The proxied answer, or null when the Host names no sandbox (the API answers it). */
  handle(request: Request, server: ProxyServer | null | undefined): Promise<Response | undefined> | null;
}

interface Target {
  program: SandboxProgram;
  sandboxId: string;
}

/** Request fields the proxy sets itself, or that belong to the caller and not the sandbox. */
const REPLACED_ON_REQUEST = new Set(["host", "authorization"]);
const WS_HANDSHAKE = /^sec-websocket-(key|version|extensions|accept)$/;

export function parseSandboxHost(host: string | null, baseDomain: string): Target | null {
  if (!host) return null;
  const name = host.toLowerCase().replace(/:\d+$/, "").replace(/\.$/, "");
  const suffix = `.${baseDomain}`;
  if (!name.endsWith(suffix)) return null;
  const label = name.slice(0, -suffix.length);
  const dash = label.indexOf("-");
  if (dash <= 0 || label.includes(".")) return null;
  const program = programOfSubdomain(label.slice(0, dash));
  const sandboxId = sandboxIdOfLabel(label.slice(dash + 1));
  return program && sandboxId ? { program, sandboxId } : null;
}

function errorResponse(error: AppError, requestId: string): Response {
  const headers = new Headers({ "content-type": "application/json; charset=utf-8", "x-request-id": requestId, "cache-control": "no-store" });
  for (const [name, value] of Object.entries(error.headers ?? {})) headers.set(name, value);
  const body: Record<string, string> = { error: error.message };
  if (error.status >= 500) body.request_id = requestId;
  return new Response(JSON.stringify(body), { status: error.status, headers });
}

/** The caller's headers as the sandbox gets them: hop-by-hop fields and the caller's own credentials out, the sandbox's in. */
function upstreamHeaders(request: Request, program: SandboxProgram, secret: string, clientIp: string, websocket: boolean): Headers {
  const headers = new Headers();
  const dropped = hopByHop(request.headers);
  for (const [name, value] of request.headers) {
    if (dropped(name) || REPLACED_ON_REQUEST.has(name) || name.startsWith("x-forwarded-")) continue;
    if (websocket && WS_HANDSHAKE.test(name)) continue;
    if (name === "cookie") {
      const kept = value
        .split(";")
        .map((part) => part.trim())
        .filter((part) => part && !part.startsWith(`${SESSION_COOKIE}=`));
      if (kept.length > 0) headers.set("cookie", kept.join("; "));
      continue;
    }
    headers.set(name, value);
  }
  for (const [name, value] of Object.entries(program.credentialHeaders(secret))) headers.set(name, value);
  if (!program.acceptsForwardedHeaders) return headers;
  const url = new URL(request.url);
  headers.set("x-forwarded-for", clientIp);
  headers.set("x-forwarded-host", request.headers.get("host") ?? url.host);
  headers.set("x-forwarded-proto", url.protocol.replace(":", ""));
  return headers;
}

function downstreamHeaders(upstream: Headers): Headers {
  const headers = new Headers();
  const dropped = hopByHop(upstream);
  for (const [name, value] of upstream) {
    if (name !== "set-cookie" && !dropped(name)) headers.set(name, value);
  }
  for (const cookie of upstream.getSetCookie()) headers.append("set-cookie", cookie);
  return headers;
}

/** Activity is written at most this often per sandbox (the idle pause counts from it). */
const TOUCH_EVERY_MS = 30_000;

export function createSubdomainProxy(services: Services): SubdomainProxy {
  const baseDomain = services.config.sandboxes.baseDomain;
  const touched = new Map<string, number>();
  const touch = async (sandboxId: string) => {
    const now = Date.now();
    if ((touched.get(sandboxId) ?? 0) + TOUCH_EVERY_MS > now) return;
    touched.set(sandboxId, now);
    if (touched.size > 10_000) touched.clear();
    await touchSandbox(services.db, sandboxId).catch(() => {});
  };

  // A sandbox's secret never changes: decrypted once per process.
  const secrets = new Map<string, Promise<string>>();
  const secretOf = (row: SandboxRow) => {
    let secret = secrets.get(row.secretEncrypted);
    if (!secret) {
      if (secrets.size > 10_000) secrets.clear();
      secret = sandboxSecret(services, row);
      secrets.set(row.secretEncrypted, secret);
    }
    return secret;
  };

  /** The sandbox and the caller's role, from the module's cache (dropped on every change) or one query. */
  const routes = services.modules.sandboxes.routes;
  async function lookup(sandboxId: string, userId: string): Promise<SandboxRoute | null> {
    const key = `${sandboxId}:${userId}`;
    const cached = routes.get(key);
    if (cached) return cached;
    const found = await findSandboxWithRole(services.db, sandboxId, userId);
    if (found) routes.set(key, found, [sandboxId, found.row.workspaceId]);
    return found;
  }

  /** The running sandbox the caller may reach, or the error to answer. */
  async function admit(request: Request, target: Target, clientIp: string, requestId: string): Promise<SandboxRow> {
    const notFound = new AppError("NOT_FOUND", "Not found");
    const info = { requestId, ip: clientIp, headers: request.headers, method: request.method, url: request.url };
    const principal = await resolvePrincipal(services, info, new Headers()).catch(() => null);
    if (!principal) throw notFound;
    const found = await lookup(target.sandboxId, principal.userId);
    if (!found || found.row.type !== target.program.type || found.row.status === "deleted") throw notFound;
    try {
      decide(found.role, "sandboxes.proxy");
    } catch {
      throw notFound;
    }
    let row = found.row;
    if (row.status === "paused") {
      const resumed = await resumeSandboxFor(services, row, request.signal);
      if (!resumed) {
        throw new AppError("CONFLICT", `The sandbox is paused; resume it with POST /api/sandboxes/${row.id}/resume`, undefined, {
          "x-sandbox-status": "paused",
        });
      }
      row = resumed;
    }
    if (row.status === "creating") throw new AppError("UNAVAILABLE", "The sandbox is still starting", undefined, { "retry-after": "2" });
    if (row.status !== "running" || !row.address) throw new AppError("CONFLICT", `The sandbox is ${row.status}`);
    return row;
  }

  async function proxy(request: Request, server: ProxyServer | null | undefined, target: Target): Promise<Response | undefined> {
    const requestId = request.headers.get("x-request-id") ?? crypto.randomUUID();
    const clientIp = server?.requestIP(request)?.address ?? "unknown";
    let row: SandboxRow;
    try {
      row = await admit(request, target, clientIp, requestId);
    } catch (error) {
      return errorResponse(error instanceof AppError ? error : new AppError("INTERNAL", messageOf(error)), requestId);
    }
    await touch(row.id);
    const secret = await secretOf(row);
    const url = new URL(request.url);
    const address = row.address as string;
    const websocket = request.headers.get("upgrade")?.toLowerCase() === "websocket";
    const headers = upstreamHeaders(request, target.program, secret, clientIp, websocket);
    if (websocket) return proxyWebSocket(request, server, `ws://${address}${url.pathname}${url.search}`, headers, requestId);

    let upstream: Response;
    try {
      upstream = await forwardRequest(request, `http://${address}${url.pathname}${url.search}`, headers);
    } catch (error) {
      if (request.signal.aborted) return new Response(null, { status: 499 });
      const simulated = row.driver === "simulator" ? " (a simulated sandbox: nothing runs behind it)" : "";
      services.logger.warn("subdomain proxy: the sandbox did not answer", { sandboxId: row.id, requestId, error: messageOf(error) });
      return errorResponse(new AppError("BAD_GATEWAY", `The sandbox's program is not answering${simulated}`), requestId);
    }
    const responseHeaders = downstreamHeaders(upstream.headers);
    // Event streams and long polls stay open as long as the sandbox keeps them.
    if (responseHeaders.get("content-type")?.startsWith("text/event-stream")) server?.timeout(request, 0);
    return new Response(upstream.body, { status: upstream.status, statusText: upstream.statusText, headers: responseHeaders });
  }

  async function proxyWebSocket(request: Request, server: ProxyServer | null | undefined, url: string, headers: Headers, requestId: string): Promise<Response | undefined> {
    if (!server?.upgrade) return errorResponse(new AppError("BAD_REQUEST", "WebSocket upgrades need a listening server"), requestId);
    const protocols = (request.headers.get("sec-websocket-protocol") ?? "").split(",").map((s) => s.trim()).filter(Boolean);
    headers.delete("sec-websocket-protocol");
    const upstream = new WebSocket(url, { headers, ...(protocols.length ? { protocols } : {}) } as unknown as string[]);
    upstream.binaryType = "arraybuffer";
    const opened = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 10_000);
      upstream.addEventListener("open", () => (clearTimeout(timer), resolve(true)), { once: true });
      upstream.addEventListener("error", () => (clearTimeout(timer), resolve(false)), { once: true });
      upstream.addEventListener("close", () => (clearTimeout(timer), resolve(false)), { once: true });
    });
    if (!opened) {
      upstream.close();
      return errorResponse(new AppError("BAD_GATEWAY", "The sandbox refused the WebSocket"), requestId);
    }
    let client: ServerWebSocket<unknown> | null = null;
    const early: (string | ArrayBuffer)[] = [];
    upstream.addEventListener("message", (event) => {
      const data = event.data as string | ArrayBuffer;
      if (client) client.send(data);
      else early.push(data);
    });
    upstream.addEventListener("close", (event) => {
      if (client) client.close(closeCode(event.code), event.reason);
      client = null;
    });
    const upgraded = server.upgrade(request, {
      headers: upstream.protocol ? { "sec-websocket-protocol": upstream.protocol } : undefined,
      data: {
        open(ws: ServerWebSocket<unknown>) {
          client = ws;
          for (const data of early.splice(0)) ws.send(data);
          if (upstream.readyState !== WebSocket.OPEN) ws.close(1011, "upstream closed");
        },
        message(_ws: ServerWebSocket<unknown>, message: string | Buffer) {
          if (upstream.readyState === WebSocket.OPEN) upstream.send(typeof message === "string" ? message : (message as Uint8Array<ArrayBuffer>));
        },
        close(_ws: ServerWebSocket<unknown>, code: number, reason: string) {
          client = null;
          if (upstream.readyState === WebSocket.OPEN || upstream.readyState === WebSocket.CONNECTING) upstream.close(closeCode(code), reason);
        },
      },
    });
    if (!upgraded) {
      upstream.close();
      return errorResponse(new AppError("BAD_REQUEST", "Expected a WebSocket upgrade"), requestId);
    }
    return undefined;
  }

  return {
    handle(request, server) {
      const target = parseSandboxHost(request.headers.get("host"), baseDomain);
      return target ? proxy(request, server, target) : null;
    },
  };
}

/** Codes a peer may send in a close frame (1005/1006/1015 are reserved for "none"/"abnormal"). */
function closeCode(code: number): number {
  return code === 1000 || (code >= 3000 && code <= 4999) || (code >= 1001 && code <= 1014 && code !== 1005 && code !== 1006) ? code : 1000;
}

/** The proxy as `/openapi.json` lists it under `x-proxies` (no OpenAPI operation: chosen by Host, any method, any path). */
export const SUBDOMAIN_PROXY_OPENAPI = {
  host: "oc-{sandboxId}.{BASE_DOMAIN} | claw-{sandboxId}.{BASE_DOMAIN}",
  path: "/{path}",
  methods: ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "WebSocket upgrade"],
  surface: "workspaces",
  summary: "A sandbox's own program through its subdomain: opencode (oc-, port 4096) or the openclaw gateway (claw-, port 18789)",
  description:
    "The sandbox id is written with `-` for `_` (the sandbox's `url` field). Bodies stream both ways, SSE unbuffered, WebSocket " +
    "upgrades proxied both ways; hop-by-hop headers are dropped and the platform injects the sandbox's own credential. Only " +
    "members of the sandbox's workspace get through; any other Host is the API.",
  security: "a workspace member's bearer key or token, or the platform's session cookie",
  errors: {
    "404": "not a member (or no credential), or no such sandbox: the container is never reached",
    "409": "the sandbox is paused (resume it with POST /api/sandboxes/{id}/resume), or not running",
    "502": "the sandbox's program does not answer",
    "503": "the sandbox is still starting",
  },
  errorShape: { error: "Not found" },
} as const;
