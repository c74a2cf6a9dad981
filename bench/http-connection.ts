import type { Socket } from "bun";
import { frameResponse } from "./http-framing.ts";

/** What one connection reports to the load generator. */
export interface ConnectionSink {
  /** A complete response; return false to stop sending on this connection. */
  onResponse(status: number, latencyMs: number, bytes: Buffer): boolean;
  onError(message: string): void;
  /** Whether a new request or a reconnect may still start. */
  running(): boolean;
}

/**
 * One keep-alive HTTP/1.1 connection over a raw TCP socket, one request in flight: send, wait for
 * the whole response, record, send again. Reconnects (bounded by `sink.running()`) if the server
 * closes. Resolves when the connection is done for good.
 */
export function runConnection(
  hostname: string,
  port: number,
  nextRequest: () => Buffer,
  sink: ConnectionSink,
): Promise<void> {
  return new Promise((resolve) => {
    let pending: Buffer | null = null;
    let unsent: Buffer | null = null;
    let inFlight = false;
    let sentAt = 0;
    let finished = false;
    const finish = () => {
      if (!finished) {
        finished = true;
        resolve();
      }
    };
    const write = (socket: Socket<undefined>, bytes: Buffer) => {
      const written = socket.write(bytes);
      unsent = written < bytes.length ? bytes.subarray(Math.max(0, written)) : null;
    };
    const send = (socket: Socket<undefined>) => {
      inFlight = true;
      sentAt = performance.now();
      write(socket, nextRequest());
    };
    const retry = (delayMs: number) => {
      if (sink.running()) setTimeout(connect, delayMs);
      else finish();
    };
    const connect = () => {
      if (!sink.running()) return finish();
      pending = null;
      inFlight = false;
      Bun.connect({
        hostname,
        port,
        socket: {
          open(socket) {
            socket.setNoDelay(true);
            send(socket);
          },
          data(socket, chunk) {
            const buffer: Buffer = pending ? Buffer.concat([pending, chunk]) : chunk;
            let framed;
            try {
              framed = frameResponse(buffer);
            } catch (error) {
              sink.onError(error instanceof Error ? error.message : String(error));
              socket.end();
              return;
            }
            if (framed.length < 0) {
              pending = Buffer.from(buffer);
              return;
            }
            pending = null;
            inFlight = false;
            const latencyMs = performance.now() - sentAt;
            if (buffer.length > framed.length) sink.onError("unexpected bytes after a response");
            if (sink.onResponse(framed.status, latencyMs, buffer)) send(socket);
            else socket.end();
          },
          drain(socket) {
            if (unsent) write(socket, unsent);
          },
          close() {
            if (inFlight && sink.running()) sink.onError("connection closed before the response ended");
            retry(1);
          },
          connectError(_socket, error) {
            sink.onError(`connect: ${error.message}`);
            retry(20);
          },
          error(_socket, error) {
            sink.onError(error.message);
          },
        },
      }).catch(() => {
        // Reported through connectError.
      });
    };
    connect();
  });
}
