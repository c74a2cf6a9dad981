import type { AnthropicConfig } from "../../config/anthropic.ts";
import type { Db } from "../../../db/connection.ts";
import { forwardRequest } from "../../platform/forward-request.ts";
import { hopByHop } from "../../platform/hop-by-hop.ts";
import type { Logger } from "../../platform/logger.ts";
import type { RateLimiter } from "../../platform/rate-limit/index.ts";
import { authenticateWithRecentTokens } from "./tokens.ts";
import { recordUsage } from "./usage.ts";
import { tapUsage, type ObservedUsage } from "./usage-tap.ts";

/**
 * The Anthropic proxy (document 002): `/proxy/anthropic/*`, any method. A sandbox's agent presents
 * its per-sandbox proxy token (as `x-api-key`, or `Authorization: Bearer`); the proxy strips both,
 * injects the platform's real ANTHROPIC_API_KEY and forwards to ANTHROPIC_BASE_URL + the rest of
 * the path, with `anthropic-version`, `anthropic-beta` and the body passed through. The answer
 * streams back as the upstream produces it (SSE unbuffered), and the tokens it reports are recorded
 * per sandbox for its workspace. The token is looked up on every request (no cache), so a revoked
 * token, or one of a paused or deleted sandbox, is refused by the next request. Every error the
 * proxy itself answers is in Anthropic's own shape, so SDKs surface it as they would Anthropic's.
 * The real key is never in a response, a log line, the database or a container's environment.
 */

export const ANTHROPIC_PROXY_PREFIX = "/proxy/anthropic";

/** Anthropic's error types the proxy answers with. */
type AnthropicErrorType = "authentication_error" | "rate_limit_error" | "api_error" | "not_found_error";

/** The part of Bun's server the proxy uses. */
export interface AnthropicProxyServer {
  timeout(request: Request, seconds: number): void;
}

export interface AnthropicProxyDeps {
  config: AnthropicConfig;
  db: Db;
  limiter: RateLimiter;
  logger: Logger;
}

export type AnthropicProxyHandler = (request: Request, server?: AnthropicProxyServer | null) => Promise<Response>;

/** Request fields not forwarded besides the hop-by-hop ones: the caller's credentials, and what fetch sets itself. */
const DROPPED_REQUEST = new Set([
  "host",
  "x-api-key",
  "authorization",
  "cookie",
  // Asked for identity so the usage in the body can be read; Anthropic's SSE is not compressed anyway.
  "accept-encoding",
  "x-request-id",
]);

/** Proxied calls may think for minutes before their first byte (Anthropic allows 10). */
const UPSTREAM_IDLE_SECONDS = 600;
const MINUTE_MS = 60_000;

export function anthropicError(status: number, type: AnthropicErrorType, message: string, requestId: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ type: "error", error: { type, message }, request_id: requestId }), {
    status,
    headers: { "content-type": "application/json", "x-request-id": requestId, "cache-control": "no-store", ...headers },
  });
}

/** The proxy token: `x-api-key` (opencode, older SDKs) or `Authorization: Bearer` (SDK 1.x). */
function presentedToken(headers: Headers): string | null {
  const key = headers.get("x-api-key")?.trim();
  if (key) return key;
  const authorization = headers.get("authorization");
  if (authorization && /^bearer\s+/i.test(authorization)) return authorization.replace(/^bearer\s+/i, "").trim() || null;
  return null;
}

function upstreamHeaders(request: Request, apiKey: string): Headers {
  const headers = new Headers();
  const dropped = hopByHop(request.headers);
  for (const [name, value] of request.headers) {
    if (dropped(name) || DROPPED_REQUEST.has(name) || name.startsWith("x-forwarded-")) continue;
    headers.set(name, value);
  }
  headers.set("x-api-key", apiKey);
  return headers;
}

/** The upstream's headers, less hop-by-hop fields and cookies of its domain. */
function downstreamHeaders(upstream: Headers, requestId: string): Headers {
  const headers = new Headers();
  const dropped = hopByHop(upstream);
  for (const [name, value] of upstream) {
    if (dropped(name) || name === "set-cookie") continue;
    headers.set(name, value);
  }
  headers.set("x-request-id", requestId);
  return headers;
}

export function createAnthropicProxy(deps: AnthropicProxyDeps): AnthropicProxyHandler {
  const { config, db, limiter, logger } = deps;
  const requestRule = { limit: config.requestsPerMinute, windowMs: MINUTE_MS };

  return async function handle(request, server) {
    const requestId = request.headers.get("x-request-id") ?? `req_${crypto.randomUUID().replaceAll("-", "")}`;
    const apiKey = config.apiKey;
    if (!apiKey) return anthropicError(503, "api_error", "The Anthropic proxy is not configured on this platform (ANTHROPIC_API_KEY is unset)", requestId);

    const token = presentedToken(request.headers);
    if (!token) return anthropicError(401, "authentication_error", "x-api-key header is required", requestId);
    let principal: Awaited<ReturnType<typeof authenticateWithRecentTokens>>;
    try {
      principal = await authenticateWithRecentTokens(db, token, config.tokensPerMinute > 0);
    } catch (error) {
      logger.error("anthropic proxy: token lookup failed", { requestId, error: error instanceof Error ? error.message : String(error) });
      return anthropicError(500, "api_error", "Internal error", requestId);
    }
    if (!principal) return anthropicError(401, "authentication_error", "invalid x-api-key", requestId);
    const { sandboxId, workspaceId } = principal;

    if (config.requestsPerMinute > 0) {
      const hit = await limiter.hit(`anthropic:rpm:${sandboxId}`, requestRule);
      if (!hit.allowed) {
        return anthropicError(429, "rate_limit_error", `This sandbox has made its ${config.requestsPerMinute} requests of this minute; retry later`, requestId, {
          "retry-after": String(hit.retryAfterSeconds),
        });
      }
    }
    if (config.tokensPerMinute > 0 && principal.tokensLastMinute >= config.tokensPerMinute) {
      return anthropicError(429, "rate_limit_error", `This sandbox has used its ${config.tokensPerMinute} tokens of the last minute; retry later`, requestId, {
        "retry-after": "60",
      });
    }

    const url = new URL(request.url);
    const target = `${config.baseUrl}${url.pathname.slice(ANTHROPIC_PROXY_PREFIX.length)}${url.search}`;
    server?.timeout(request, UPSTREAM_IDLE_SECONDS);
    let upstream: Response;
    try {
      upstream = await forwardRequest(request, target, upstreamHeaders(request, apiKey));
    } catch (error) {
      if (request.signal.aborted) return new Response(null, { status: 499 });
      logger.warn("anthropic proxy: the upstream did not answer", { requestId, sandboxId, error: error instanceof Error ? error.name : "error" });
      return anthropicError(502, "api_error", "Anthropic's API could not be reached", requestId);
    }

    const headers = downstreamHeaders(upstream.headers, requestId);
    const status = upstream.status;
    const record = async (usage: ObservedUsage) => {
      try {
        await recordUsage(db, { sandboxId, workspaceId, model: usage.model, status, inputTokens: usage.inputTokens, outputTokens: usage.outputTokens });
      } catch (error) {
        logger.warn("anthropic proxy: usage not recorded", { requestId, sandboxId, error: error instanceof Error ? error.message : String(error) });
      }
      logger.debug("anthropic proxy", { requestId, sandboxId, status, model: usage.model, inputTokens: usage.inputTokens, outputTokens: usage.outputTokens });
    };
    if (!upstream.body || request.method === "HEAD") {
      await record({ model: null, inputTokens: 0, outputTokens: 0 });
      return new Response(null, { status, statusText: upstream.statusText, headers });
    }
    const encoded = (upstream.headers.get("content-encoding") ?? "identity") !== "identity";
    const body = tapUsage(upstream.body, encoded ? "" : (upstream.headers.get("content-type") ?? ""), record);
    return new Response(body, { status, statusText: upstream.statusText, headers });
  };
}

/** Every method the proxy forwards, for Bun's router (`/proxy/anthropic/*` → one handler). */
export const ANTHROPIC_PROXY_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"] as const;

/** The proxy as `/openapi.json` lists it under `x-proxies` (it is no OpenAPI operation: any method, any path below it). */
export const ANTHROPIC_PROXY_OPENAPI = {
  path: `${ANTHROPIC_PROXY_PREFIX}/{path}`,
  methods: [...ANTHROPIC_PROXY_METHODS],
  surface: "workspaces",
  summary: "Anthropic API proxy for sandboxes: the per-sandbox proxy token is replaced by the platform's real key server-side",
  description:
    "Send the sandbox's proxy token as `x-api-key` or `Authorization: Bearer`. The request (method, the path after " +
    "`/proxy/anthropic`, query, body, `anthropic-version`, `anthropic-beta`) goes to ANTHROPIC_BASE_URL with the real key; " +
    "the answer streams back unbuffered (SSE included). Usage (input/output tokens) is recorded per sandbox.",
  security: "per-sandbox proxy token (x-api-key or Authorization: Bearer)",
  errors: {
    "401": "authentication_error: missing, unknown or revoked token, or the sandbox is paused or deleted",
    "429": "rate_limit_error: past the sandbox's ANTHROPIC_SANDBOX_RPM requests or ANTHROPIC_SANDBOX_TPM tokens per minute",
    "502": "api_error: Anthropic's API could not be reached",
    "503": "api_error: ANTHROPIC_API_KEY is not configured",
  },
  errorShape: { type: "error", error: { type: "authentication_error", message: "invalid x-api-key" }, request_id: "req_…" },
} as const;
