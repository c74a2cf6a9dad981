/**
 * HTTP/1.1 over a bare TCP socket, for what fetch will not send: a Content-Length the body never
 * reaches, a body in chunks of our choosing. Loopback only.
 */
export interface RawResponse {
  status: number;
  headers: Headers;
  body: string;
}

export interface RawExchange {
  /** Sends more bytes on the connection (more chunks of a body, say). */
  write(data: string | Uint8Array): void;
  /** The first response: its head and, when it declares a length, that much body. */
  response: Promise<RawResponse>;
  close(): void;
}

/**
 * Opens a connection to `baseUrl` and sends `head` (request line and headers, without the blank
 * line) and `body`. The response promise rejects if none arrives within `waitMs`: a server still
 * waiting for a body it should never have read fails the test instead of hanging it.
 */
export async function rawRequest(baseUrl: string, head: string, body: string | Uint8Array = "", waitMs = 10_000): Promise<RawExchange> {
  const { hostname, port } = new URL(baseUrl);
  let received = Buffer.alloc(0);
  let settle: ((response: RawResponse) => void) | undefined;
  let fail: ((error: Error) => void) | undefined;
  const response = new Promise<RawResponse>((resolve, reject) => {
    settle = resolve;
    fail = reject;
  });
  const tryParse = (closed: boolean) => {
    const end = received.indexOf("\r\n\r\n");
    if (end < 0) {
      if (closed) fail?.(new Error(`connection closed without a response (${received.length} bytes)`));
      return;
    }
    const lines = received.subarray(0, end).toString("latin1").split("\r\n");
    const status = Number((lines[0] ?? "").split(" ")[1]);
    const headers = new Headers();
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(":");
      if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
    }
    const declared = headers.get("content-length");
    const bodyBytes = received.subarray(end + 4);
    if (declared !== null && bodyBytes.length < Number(declared) && !closed) return;
    if (declared === null && !closed && headers.get("connection") !== "close") return;
    settle?.({ status, headers, body: bodyBytes.subarray(0, declared === null ? undefined : Number(declared)).toString("utf8") });
  };
  const socket = await Bun.connect({
    hostname,
    port: Number(port),
    socket: {
      data(_socket, data) {
        received = Buffer.concat([received, data]);
        tryParse(false);
      },
      close() {
        tryParse(true);
      },
      error(_socket, error) {
        fail?.(error);
      },
    },
  });
  const timer = setTimeout(() => fail?.(new Error(`no response within ${waitMs} ms`)), waitMs);
  void response.then(
    () => clearTimeout(timer),
    () => clearTimeout(timer),
  );
  socket.write(`${head}\r\n\r\n`);
  if (body.length > 0) socket.write(body);
  return {
    write: (data) => {
      socket.write(data);
    },
    response,
    close: () => socket.end(),
  };
}
