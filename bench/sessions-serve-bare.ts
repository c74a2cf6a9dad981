/**
 * The sessions benchmark's baseline: a bare `Bun.serve` that answers the same requests as the
 * platform with no work behind them, so the same client measures the cost of loopback HTTP, SSE
 * framing and its own parsing. POST /api/sessions → 201 `{ id }`; GET /api/sessions/:id/stream
 * (and tRPC's /trpc/sessions.events?input=…) → an SSE stream that replays the four lifecycle
 * events at once and stays open; DELETE /api/sessions/:id → `ended`, stamped with the wall clock,
 * written to every open stream of that session, which then close. Prints its URL when ready.
 */
import { holdLifeline, READY_PREFIX } from "./lifeline.ts";

const encoder = new TextEncoder();
const LIFECYCLE = ["redroid_starting", "adb_handshake", "gateway_starting", "active"] as const;

interface Stream {
  controller: ReadableStreamDefaultController<Uint8Array>;
  trpc: boolean;
}

const streams = new Map<string, Set<Stream>>();
let sessions = 0;

function event(sessionId: string, seq: number, type: string, trpc: boolean, at = new Date().toISOString()): Uint8Array {
  const payload = { id: String(seq), type, session_id: sessionId, at, data: null };
  return encoder.encode(trpc ? `data: ${JSON.stringify({ json: payload })}\nid: ${seq}\n\n` : `id: ${seq}\nevent: ${type}\ndata: ${JSON.stringify(payload)}\n\n`);
}

function openStream(sessionId: string, trpc: boolean): Response {
  let entry: Stream | undefined;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      entry = { controller, trpc };
      controller.enqueue(encoder.encode(trpc ? "event: connected\ndata: {}\n\n" : ": connected\n\n"));
      LIFECYCLE.forEach((type, i) => controller.enqueue(event(sessionId, i + 1, type, trpc)));
      const set = streams.get(sessionId) ?? new Set<Stream>();
      set.add(entry);
      streams.set(sessionId, set);
    },
    cancel() {
      if (entry) streams.get(sessionId)?.delete(entry);
    },
  });
  return new Response(body, { headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" } });
}

function endSession(sessionId: string): Response {
  const set = streams.get(sessionId);
  streams.delete(sessionId);
  // One timestamp for the one event, as the platform's comes from its one database row.
  const at = new Date().toISOString();
  for (const stream of set ?? []) {
    try {
      stream.controller.enqueue(event(sessionId, LIFECYCLE.length + 1, "ended", stream.trpc, at));
      stream.controller.close();
    } catch {
      // The client left.
    }
  }
  return Response.json({ id: sessionId, status: "ended" });
}

const server = Bun.serve({
  hostname: "127.0.0.1",
  port: Number(process.env.PORT ?? 0),
  idleTimeout: 0,
  fetch(request) {
    const url = new URL(request.url);
    const match = /^\/api\/sessions(?:\/([^/]+))?(\/stream)?$/.exec(url.pathname);
    if (request.method === "POST" && url.pathname === "/api/sessions") {
      sessions += 1;
      return Response.json({ id: `ses_bare${sessions}`, status: "queued" }, { status: 201 });
    }
    if (request.method === "GET" && match?.[1] && match[2]) return openStream(match[1], false);
    if (request.method === "GET" && url.pathname === "/trpc/sessions.events") {
      const input = JSON.parse(url.searchParams.get("input") ?? "{}") as { json?: { id?: string } };
      return openStream(input.json?.id ?? "", true);
    }
    if (request.method === "DELETE" && match?.[1] && !match[2]) return endSession(match[1]);
    return Response.json({ error: "Not found" }, { status: 404 });
  },
});

holdLifeline(() => {
  void server.stop(true).finally(() => process.exit(0));
});
process.on("SIGTERM", () => {
  void server.stop(true).finally(() => process.exit(0));
});
console.log(`${READY_PREFIX}http://127.0.0.1:${server.port}`);
