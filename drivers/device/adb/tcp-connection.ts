/**
 * An ADB daemon connection over TCP (node:net, which Bun implements), in the stream shapes
 * AdbDaemonTransport expects: incoming bytes framed into packets by Tango's struct decoder,
 * outgoing packets written as one buffer each (24-byte header + payload).
 */
import { connect as netConnect, type Socket } from "node:net";
import { AdbPacket, type AdbDaemonConnection, type AdbPacketInit } from "@yume-chan/adb";
import { Consumable, PushReadableStream, StructDeserializeStream } from "@yume-chan/stream-extra";
import { AdbConnectError } from "./errors.ts";

export interface TcpAdbConnection {
  connection: AdbDaemonConnection;
  /** Tears the socket down at once (used on timeout or abort). */
  destroy(): void;
}

export function openTcpConnection(host: string, port: number, signal: AbortSignal): Promise<TcpAdbConnection> {
  return new Promise((resolve, reject) => {
    const socket: Socket = netConnect({ host, port, noDelay: true });
    const onAbort = (): void => {
      socket.destroy();
      reject(signal.reason);
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    socket.once("error", (error) => {
      signal.removeEventListener("abort", onAbort);
      reject(new AdbConnectError(`cannot reach ${host}:${port}: ${error.message}`));
    });
    socket.once("connect", () => {
      signal.removeEventListener("abort", onAbort);
      resolve({ connection: wrapSocket(socket), destroy: () => socket.destroy() });
    });
  });
}

function encodePacket(packet: AdbPacketInit): Buffer {
  const out = Buffer.allocUnsafe(24 + packet.payload.length);
  out.writeUInt32LE(packet.command >>> 0, 0);
  out.writeUInt32LE(packet.arg0 >>> 0, 4);
  out.writeUInt32LE(packet.arg1 >>> 0, 8);
  out.writeUInt32LE(packet.payload.length, 12);
  out.writeUInt32LE(packet.checksum >>> 0, 16);
  out.writeUInt32LE(packet.magic >>> 0, 20);
  out.set(packet.payload, 24);
  return out;
}

function wrapSocket(socket: Socket): AdbDaemonConnection {
  const bytes = new PushReadableStream<Uint8Array>((controller) => {
    let ended = false;
    const end = (error?: Error): void => {
      if (ended) return;
      ended = true;
      if (error) controller.error(error);
      else controller.close();
    };
    socket.on("data", (chunk: Buffer) => {
      if (ended) return;
      // Copy: the packet decoder may keep slices after node reuses its buffer.
      const pending = controller.enqueue(new Uint8Array(chunk));
      socket.pause();
      void pending.then(
        () => socket.resume(),
        () => socket.destroy(),
      );
    });
    socket.on("end", () => end());
    socket.on("close", () => end());
    socket.on("error", (error) => end(error));
    controller.abortSignal.addEventListener("abort", () => socket.destroy());
  });

  // Writes never reject: Tango's Consumable write leaves a rejected promise unobserved when the
  // sink fails. A dead socket is noticed on the read side instead (the dispatcher then disposes
  // every ADB socket and AdbDevice fails calls with AdbConnectError), so late writes are dropped.
  const writable = new Consumable.WritableStream<AdbPacketInit>({
    write: (packet) =>
      new Promise<void>((resolve) => {
        // encodePacket copies the payload, so the caller may reuse its buffers once this resolves.
        if (socket.destroyed || socket.write(encodePacket(packet))) return resolve();
        const settle = (): void => {
          socket.off("drain", settle);
          socket.off("close", settle);
          resolve();
        };
        socket.on("drain", settle);
        socket.on("close", settle);
      }),
    close: () => {
      socket.end();
    },
    abort: () => {
      socket.destroy();
    },
  });

  return { readable: bytes.pipeThrough(new StructDeserializeStream(AdbPacket)), writable };
}
