import { isTrackedEnvelope } from "@trpc/server/unstable-core-do-not-import";

const encoder = new TextEncoder();
const PING_MS = 15_000;

/**
 * Server-Sent Events for a REST subscription route: `id:` from tracked() envelopes (so a reconnect's
 * Last-Event-ID resumes), `event:` from the named field, `data:` as JSON. Ends when the
 * subscription ends, the client leaves, or the server shuts down.
 */
export function sseResponse(
  source: AsyncIterable<unknown>,
  options: { eventField?: string; signals: AbortSignal[]; headers: Headers },
): Response {
  const iterator = source[Symbol.asyncIterator]();
  const stop = AbortSignal.any(options.signals);
  let ping: ReturnType<typeof setInterval> | undefined;
  let finished = false;
  const finish = (controller?: ReadableStreamDefaultController<Uint8Array>) => {
    if (finished) return;
    finished = true;
    clearInterval(ping);
    void iterator.return?.();
    try {
      controller?.close();
    } catch {
      // already closed by the client
    }
  };
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(": connected\n\n"));
      ping = setInterval(() => controller.enqueue(encoder.encode(": ping\n\n")), PING_MS);
      stop.addEventListener("abort", () => finish(controller), { once: true });
    },
    async pull(controller) {
      if (finished) return;
      const next = await iterator.next().catch(() => ({ done: true, value: undefined }) as const);
      if (next.done || finished) return finish(controller);
      controller.enqueue(encoder.encode(formatEvent(next.value, options.eventField)));
    },
    cancel() {
      finish();
    },
  });
  options.headers.set("content-type", "text/event-stream; charset=utf-8");
  options.headers.set("cache-control", "no-cache, no-transform");
  options.headers.set("connection", "keep-alive");
  options.headers.set("x-accel-buffering", "no");
  return new Response(stream, { status: 200, headers: options.headers });
}

export function formatEvent(item: unknown, eventField?: string): string {
  let id: string | undefined;
  let data = item;
  if (isTrackedEnvelope(item)) {
    id = String(item[0]);
    data = item[1];
  }
  let text = "";
  if (id !== undefined) text += `id: ${id}\n`;
  if (eventField && typeof data === "object" && data !== null) {
    const name = (data as Record<string, unknown>)[eventField];
    if (typeof name === "string" && name !== "") text += `event: ${name}\n`;
  }
  return `${text}data: ${JSON.stringify(data)}\n\n`;
}
