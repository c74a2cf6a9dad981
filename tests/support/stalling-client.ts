import { connect, type Socket } from "node:net";

/**
 * A TCP client that misbehaves on purpose (loopback only): it sends what it is given and then
 * stalls, optionally never reading what the server answers. `closed` resolves once the server
 * (or `close()`) ends the connection, with what the server had sent by then.
 */
export interface StallingClient {
  closed: Promise<{ received: string }>;
  /** Whether the server has closed the connection yet. */
  isClosed(): boolean;
  /** More bytes on the same connection (a trickle keeps a connection from being idle). */
  send(bytes: string): void;
  close(): void;
}

export async function stallingClient(baseUrl: string, bytes: string, options: { read?: boolean } = {}): Promise<StallingClient> {
  const { hostname, port } = new URL(baseUrl);
  const socket: Socket = connect({ host: hostname, port: Number(port) });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  let received = "";
  let closed = false;
  socket.on("data", (chunk: Buffer) => {
    received += chunk.toString("latin1");
  });
  // A slow reader: nothing is read from the socket, so the server's writes back up.
  if (options.read === false) socket.pause();
  socket.on("error", () => {});
  const closedPromise = new Promise<{ received: string }>((resolve) =>
    socket.once("close", () => {
      closed = true;
      resolve({ received });
    }),
  );
  socket.write(bytes);
  return { closed: closedPromise, isClosed: () => closed, send: (more) => void socket.write(more), close: () => socket.destroy() };
}

/** The head of a request whose body never arrives in full: `declared` bytes promised, `sent` given. */
export function partialBodyRequest(path: string, declared: number, sent: string): string {
  return `POST ${path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${declared}\r\n\r\n${sent}`;
}
