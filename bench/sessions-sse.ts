/**
 * Server-Sent Events on the client side of the sessions benchmark: an incremental parser that
 * reads both the REST stream (`event: <type>` + `data: <SessionEvent>`) and tRPC's
 * (`data: {"json": <SessionEvent>}`), and a subscriber on a raw TCP socket (`Bun.connect`, one
 * GET, incremental de-chunking) that stamps each event with the time its bytes arrived. Raw
 * sockets, not fetch: a thousand of them cost the load-generator process little, and nothing
 * queues them (fetch allows 256 requests in flight by default).
 */
import type { Socket } from "bun";

/** The fields the benchmark reads from a session event. */
export interface SseEvent {
  id: string;
  type: string;
  /** The server's timestamp (`SessionEvent.at`, ISO, millisecond precision). */
  at: string;
}

/** Wall-clock milliseconds with microsecond resolution (Date.now() has only milliseconds). */
export function wallNow(): number {
  return performance.timeOrigin + performance.now();
}

/** Feeds text in; calls `onEvent` for each complete message that carries a session event. */
export class SseParser {
  private buffer = "";

  constructor(private readonly onEvent: (event: SseEvent) => void) {}

  push(text: string): void {
    this.buffer += text.includes("\r") ? text.replaceAll("\r\n", "\n") : text;
    let cut = this.buffer.indexOf("\n\n");
    while (cut >= 0) {
      const block = this.buffer.slice(0, cut);
      this.buffer = this.buffer.slice(cut + 2);
      const event = parseBlock(block);
      if (event) this.onEvent(event);
      cut = this.buffer.indexOf("\n\n");
    }
  }
}

function parseBlock(block: string): SseEvent | undefined {
  let data = "";
  let id = "";
  for (const line of block.split("\n")) {
    if (line.startsWith("data:")) data += line.slice(5).trimStart();
    else if (line.startsWith("id:")) id = line.slice(3).trim();
  }
  if (!data) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return undefined;
  }
  // tRPC wraps the payload in superjson's envelope.
  const body = isRecord(parsed) && isRecord(parsed.json) ? parsed.json : parsed;
  if (!isRecord(body) || typeof body.type !== "string") return undefined;
  return { id: id || String(body.id ?? ""), type: body.type, at: typeof body.at === "string" ? body.at : "" };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Reads a fetch Response's SSE body; `onEvent` returns true to stop reading (the body is then cancelled). */
export async function readFetchSse(response: Response, onEvent: (event: SseEvent, receivedAt: number) => boolean, timeoutMs: number): Promise<void> {
  const body = response.body;
  if (!body) return;
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let stop = false;
  let receivedAt = 0;
  const parser = new SseParser((event) => {
    if (!stop && onEvent(event, receivedAt)) stop = true;
  });
  const timer = setTimeout(() => void reader.cancel().catch(() => {}), timeoutMs);
  try {
    while (!stop) {
      const chunk = await reader.read();
      receivedAt = performance.now();
      if (chunk.done) break;
      parser.push(decoder.decode(chunk.value, { stream: true }));
    }
  } finally {
    clearTimeout(timer);
    await reader.cancel().catch(() => {});
  }
}

export interface SubscriberSink {
  /** An event arrived; `receivedAt` is wallNow() when its bytes were handed to us. */
  onEvent(event: SseEvent, receivedAt: number): void;
  /** The response head arrived (status 200 expected). */
  onStatus(status: number, head: string): void;
  /** The socket closed (after the stream ended, or not). */
  onClose(error: string | undefined): void;
}

/** One SSE subscription on its own TCP connection. `close()` ends it from our side. */
export interface RawSubscriber {
  close(): void;
}

const CRLF = "\r\n";

/** Opens `GET path` with `headers` on a new connection and reads the event stream it answers with. */
export function subscribeRaw(hostname: string, port: number, path: string, headers: Record<string, string>, sink: SubscriberSink): RawSubscriber {
  const request =
    `GET ${path} HTTP/1.1${CRLF}Host: ${hostname}:${port}${CRLF}Accept: text/event-stream${CRLF}User-Agent: agent-cloud-bench${CRLF}` +
    Object.entries(headers)
      .map(([name, value]) => `${name}: ${value}${CRLF}`)
      .join("") +
    CRLF;
  const parser = new SseParser((event) => sink.onEvent(event, receivedAt));
  const body = new Dechunker((text) => parser.push(text));
  let receivedAt = 0;
  let head = "";
  let inBody = false;
  let socket: Socket<undefined> | undefined;
  let closed = false;
  let failure: string | undefined;

  void Bun.connect({
    hostname,
    port,
    socket: {
      open(s) {
        socket = s;
        if (closed) {
          s.end();
          return;
        }
        s.setNoDelay(true);
        s.write(request);
      },
      data(_s, chunk) {
        receivedAt = wallNow();
        let text = chunk.toString("latin1");
        if (!inBody) {
          head += text;
          const end = head.indexOf(CRLF + CRLF);
          if (end < 0) return;
          text = head.slice(end + 4);
          head = head.slice(0, end);
          inBody = true;
          const chunked = /\r\ntransfer-encoding:[ \t]*chunked/i.test(head);
          if (!chunked) body.passThrough();
          sink.onStatus(Number(head.slice(9, 12)), head);
        }
        try {
          body.push(text);
        } catch (error) {
          failure = error instanceof Error ? error.message : String(error);
          _s.end();
        }
      },
      close() {
        closed = true;
        sink.onClose(failure);
      },
      connectError(_s, error) {
        closed = true;
        sink.onClose(`connect: ${error.message}`);
      },
      error(_s, error) {
        failure ??= error.message;
      },
    },
  }).catch(() => {
    // Reported through connectError.
  });

  return {
    close() {
      if (closed) return;
      closed = true;
      socket?.end();
    },
  };
}

/** Incremental `Transfer-Encoding: chunked` decoder over latin1 text (sizes and CRLFs are ASCII). */
class Dechunker {
  private pending = "";
  /** Bytes left in the current chunk's data; -1 while reading a size line; -2 after the last chunk. */
  private remaining = -1;
  private afterData = false;
  private raw = false;

  constructor(private readonly onText: (text: string) => void) {}

  /** The body is not chunked (read to the end of the connection). */
  passThrough(): void {
    this.raw = true;
  }

  push(text: string): void {
    if (this.raw) {
      if (text) this.onText(decodeUtf8(text));
      return;
    }
    this.pending += text;
    for (;;) {
      if (this.remaining === -2) return;
      if (this.afterData) {
        if (this.pending.length < 2) return;
        this.pending = this.pending.slice(2);
        this.afterData = false;
      }
      if (this.remaining === -1) {
        const end = this.pending.indexOf(CRLF);
        if (end < 0) return;
        const size = Number.parseInt(this.pending.slice(0, end), 16);
        if (Number.isNaN(size)) throw new Error("malformed chunk size");
        this.pending = this.pending.slice(end + 2);
        this.remaining = size === 0 ? -2 : size;
        continue;
      }
      if (this.pending.length === 0) return;
      const take = Math.min(this.remaining, this.pending.length);
      this.onText(decodeUtf8(this.pending.slice(0, take)));
      this.pending = this.pending.slice(take);
      this.remaining -= take;
      if (this.remaining === 0) {
        this.remaining = -1;
        this.afterData = true;
      }
    }
  }
}

/** The events are ASCII in practice; anything else is decoded properly (a split character may be garbled, never lost). */
function decodeUtf8(latin1: string): string {
  return /[^\x00-\x7f]/.test(latin1) ? Buffer.from(latin1, "latin1").toString("utf8") : latin1;
}
