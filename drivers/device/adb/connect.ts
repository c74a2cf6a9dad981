import { Adb, AdbCommand, AdbDaemonTransport, type AdbDaemonConnection, type AdbPacketData } from "@yume-chan/adb";
import { TransformStream } from "@yume-chan/stream-extra";
import { abortable, deadline } from "./deadline.ts";
import { AdbAuthError, AdbConnectError, AdbError } from "./errors.ts";
import { AdbDevice } from "./device.ts";
import { assertAdbKey, singleKeyCredentialStore } from "./key.ts";
import { openTcpConnection, type TcpAdbConnection } from "./tcp-connection.ts";
import type { AdbConnectOptions, AdbEndpoint } from "./types.ts";

/** Notes whether the device ever challenged us, which tells "refused our key" from "not up yet". */
function watchForAuth(connection: AdbDaemonConnection, onAuth: () => void): AdbDaemonConnection {
  return {
    readable: connection.readable.pipeThrough(
      new TransformStream<AdbPacketData, AdbPacketData>({
        transform(packet, controller) {
          if (packet.command === AdbCommand.Auth) onAuth();
          controller.enqueue(packet);
        },
      }),
    ),
    writable: connection.writable,
  };
}

/**
 * ADB over TCP straight to the device's adbd (no adb server): TCP connect, CNXN, AUTH with the
 * platform's key (signature first; if the device does not know the key, it is offered for the
 * user to allow). Errors: AdbConnectError (nothing listening or closed before any AUTH: retry
 * while the container boots), AdbAuthError (the key was refused or never confirmed), the
 * caller's abort reason, or AdbTimeoutError.
 */
export async function connectAdb(endpoint: AdbEndpoint, key: Uint8Array, options: AdbConnectOptions = {}): Promise<AdbDevice> {
  assertAdbKey(key);
  const serial = `${endpoint.host}:${endpoint.port}`;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const { signal, dispose } = deadline(`adb connect ${serial}`, { timeoutMs, signal: options.signal });
  let tcp: TcpAdbConnection | undefined;
  let challenged = false;
  const onAbort = (): void => tcp?.destroy();
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    tcp = await openTcpConnection(endpoint.host, endpoint.port, signal);
    const transport = await abortable(
      AdbDaemonTransport.authenticate({
        serial,
        connection: watchForAuth(tcp.connection, () => {
          challenged = true;
        }),
        credentialStore: singleKeyCredentialStore(key, options.keyName ?? "agent-cloud"),
      }),
      signal,
    );
    return new AdbDevice(new Adb(transport), tcp.destroy);
  } catch (error) {
    tcp?.destroy();
    if (options.signal?.aborted) throw options.signal.reason;
    if (signal.aborted) {
      // Timed out. After a challenge that means adbd is holding our key for someone to allow.
      if (!challenged) throw signal.reason;
      throw new AdbAuthError(`${serial} did not accept the key within ${timeoutMs} ms (is it waiting for someone to allow it?)`);
    }
    if (error instanceof AdbError) throw error;
    const message = (error as Error).message;
    if (challenged) throw new AdbAuthError(`${serial} refused the key: ${message}`, { cause: error });
    throw new AdbConnectError(`ADB handshake with ${serial} failed: ${message}`, { cause: error });
  } finally {
    signal.removeEventListener("abort", onAbort);
    dispose();
  }
}
