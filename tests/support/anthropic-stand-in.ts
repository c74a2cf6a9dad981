/**
 * A local stand-in for Anthropic's Messages API, for the platform's Anthropic proxy: `POST
 * /v1/messages` (JSON, or SSE with `stream: true`: message_start, content_block_start, ping,
 * content_block_delta…, content_block_stop, message_delta, message_stop, with usage as Anthropic
 * reports it), `POST /v1/messages/count_tokens`, `GET /v1/models`. It accepts only its own key
 * (`x-api-key`; anything else is Anthropic's 401) and keeps every request it saw, so a test can
 * check what reached "Anthropic". `hold()` makes the next streamed reply stop after its first
 * event until released, so a test can see an event pass the proxy before the reply is finished.
 */
export interface SeenRequest {
  method: string;
  path: string;
  search: string;
  headers: Record<string, string>;
  body: string;
  /** The usage the stand-in reported for it (Messages calls). */
  usage?: { input_tokens: number; output_tokens: number };
}

export interface AnthropicStandIn {
  url: string;
  apiKey: string;
  seen: SeenRequest[];
  /** The next streamed reply sends message_start, then waits until the returned function is called. */
  hold(): () => void;
  stop(): Promise<void>;
}

export const STAND_IN_MODEL = "claude-stand-in-1";
/** The reply's text, one content_block_delta per word. */
export const STAND_IN_REPLY = ["Hello", " from", " the", " stand-in", "."];

/** Tokens the stand-in reports for a request body: a quarter of its messages' JSON, at least 1. */
export function inputTokensOf(body: { messages?: unknown }): number {
  return Math.max(1, Math.ceil(JSON.stringify(body.messages ?? []).length / 4));
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", "request-id": `req_${crypto.randomUUID()}`, ...headers } });

const error = (status: number, type: string, message: string) => json(status, { type: "error", error: { type, message } });

function sse(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** `record: false` keeps no requests (a benchmark sends hundreds of thousands); `port` 0 picks a free one. */
export function startAnthropicStandIn(options: { apiKey?: string; record?: boolean; port?: number } = {}): AnthropicStandIn {
  const apiKey = options.apiKey ?? `sk-ant-api03-standin-${crypto.randomUUID()}`;
  const seen: SeenRequest[] = [];
  let held: Promise<void> | null = null;

  const server = Bun.serve({
    port: options.port ?? 0,
    hostname: "127.0.0.1",
    idleTimeout: 60,
    async fetch(request) {
      const url = new URL(request.url);
      const body = request.method === "GET" || request.method === "HEAD" ? "" : await request.text();
      const record: SeenRequest = { method: request.method, path: url.pathname, search: url.search, headers: Object.fromEntries(request.headers), body };
      if (options.record !== false) seen.push(record);
      if (request.headers.get("x-api-key") !== apiKey) return error(401, "authentication_error", "invalid x-api-key");
      if (!request.headers.get("anthropic-version")) return error(400, "invalid_request_error", "anthropic-version: header is required");

      if (url.pathname === "/v1/models" && request.method === "GET") {
        return json(200, { data: [{ type: "model", id: STAND_IN_MODEL, display_name: "Stand-in" }], has_more: false, first_id: STAND_IN_MODEL, last_id: STAND_IN_MODEL });
      }
      if (request.method !== "POST" || (url.pathname !== "/v1/messages" && url.pathname !== "/v1/messages/count_tokens")) {
        return error(404, "not_found_error", `Not found: ${request.method} ${url.pathname}`);
      }
      let parsed: { model?: string; messages?: unknown; stream?: boolean; max_tokens?: number };
      try {
        parsed = JSON.parse(body);
      } catch {
        return error(400, "invalid_request_error", "The request body is not valid JSON.");
      }
      if (typeof parsed.model !== "string" || !Array.isArray(parsed.messages)) return error(400, "invalid_request_error", "model: Field required");
      const input = inputTokensOf(parsed);
      if (url.pathname === "/v1/messages/count_tokens") return json(200, { input_tokens: input });

      const output = STAND_IN_REPLY.length;
      record.usage = { input_tokens: input, output_tokens: output };
      const id = `msg_${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`;
      const text = STAND_IN_REPLY.join("");
      if (!parsed.stream) {
        return json(200, {
          id,
          type: "message",
          role: "assistant",
          model: parsed.model,
          content: [{ type: "text", text }],
          stop_reason: "end_turn",
          stop_sequence: null,
          usage: { input_tokens: input, output_tokens: output, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
        });
      }

      const gate = held;
      held = null;
      const encoder = new TextEncoder();
      const stream = new ReadableStream<Uint8Array>({
        async start(controller) {
          controller.enqueue(
            encoder.encode(
              sse("message_start", {
                type: "message_start",
                message: {
                  id,
                  type: "message",
                  role: "assistant",
                  model: parsed.model,
                  content: [],
                  stop_reason: null,
                  stop_sequence: null,
                  usage: { input_tokens: input, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
                },
              }),
            ),
          );
          if (gate) await gate;
          controller.enqueue(encoder.encode(sse("content_block_start", { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } })));
          controller.enqueue(encoder.encode(sse("ping", { type: "ping" })));
          for (const word of STAND_IN_REPLY) {
            controller.enqueue(encoder.encode(sse("content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: word } })));
          }
          controller.enqueue(encoder.encode(sse("content_block_stop", { type: "content_block_stop", index: 0 })));
          controller.enqueue(
            encoder.encode(sse("message_delta", { type: "message_delta", delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: output } })),
          );
          controller.enqueue(encoder.encode(sse("message_stop", { type: "message_stop" })));
          controller.close();
        },
      });
      return new Response(stream, { headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", "request-id": `req_${id}` } });
    },
  });

  return {
    url: `http://127.0.0.1:${server.port}`,
    apiKey,
    seen,
    hold() {
      let release!: () => void;
      held = new Promise<void>((resolve) => {
        release = resolve;
      });
      return release;
    },
    stop: () => server.stop(true),
  };
}
