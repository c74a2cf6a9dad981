/**
 * Bringing a session's phone up: create the container from the driver's spec, start it, find
 * where ADB is published, connect (retrying while adbd is not up yet), wait for Android to
 * finish booting. On failure the container is removed (its data volume is kept: that is the
 * platform's call).
 */
import { AdbConnectError, AdbTimeoutError } from "./adb/errors.ts";
import { deadline, sleep } from "./adb/deadline.ts";
import type { DeviceContainerState } from "./docker-api.ts";
import type { AdbEndpoint, AndroidDevice, DeviceContainerSpec, DeviceDriver, DeviceSessionParams } from "./types.ts";

/** The narrow part of the container driver that provisioning uses. */
export interface DeviceContainerRuntime {
  create(spec: DeviceContainerSpec): Promise<{ id: string }>;
  start(id: string): Promise<void>;
  inspect(id: string): Promise<DeviceContainerState>;
  /** Force-removes the container, keeping its volumes. */
  remove(id: string): Promise<void>;
}

export interface ProvisionOptions {
  runtime: DeviceContainerRuntime;
  driver: DeviceDriver;
  session: DeviceSessionParams;
  /** The platform's ADB key, PKCS#8 bytes. */
  key: Uint8Array;
  /** Budget from start to boot completed. Default 180 s. */
  bootTimeoutMs?: number;
  /** Pause between connection attempts and boot polls. Default 1 s. */
  pollMs?: number;
  signal?: AbortSignal;
}

export interface ProvisionedDevice {
  containerId: string;
  spec: DeviceContainerSpec;
  endpoint: AdbEndpoint;
  device: AndroidDevice;
}

export class DeviceProvisionError extends Error {
  override readonly name = "DeviceProvisionError";
}

/** Where the platform reaches a started container's ADB port. */
export function adbEndpointOf(spec: DeviceContainerSpec, state: DeviceContainerState, adbPort: number): AdbEndpoint {
  if (spec.network !== undefined) {
    const address = state.networks[spec.network]?.ipAddress;
    if (!address) throw new DeviceProvisionError(`container has no address on network ${spec.network}`);
    return { host: address, port: adbPort };
  }
  const published = state.ports.find((p) => p.containerPort === adbPort && p.protocol === "tcp" && p.hostPort > 0);
  if (!published) throw new DeviceProvisionError(`container publishes no host port for ${adbPort}/tcp`);
  const host = published.hostIp === "" || published.hostIp === "0.0.0.0" ? "127.0.0.1" : published.hostIp;
  return { host, port: published.hostPort };
}

export async function provisionDevice(options: ProvisionOptions): Promise<ProvisionedDevice> {
  const { runtime, driver, session, key } = options;
  const pollMs = options.pollMs ?? 1_000;
  const budgetMs = options.bootTimeoutMs ?? 180_000;
  const spec = driver.containerSpec(session);
  const { id } = await runtime.create(spec);
  const { signal, dispose } = deadline(`starting device for session ${session.sessionId}`, { timeoutMs: budgetMs, signal: options.signal });
  const endsAt = Date.now() + budgetMs;
  try {
    await runtime.start(id);
    const endpoint = adbEndpointOf(spec, await runtime.inspect(id), driver.adbPort);
    let device: AndroidDevice | undefined;
    while (!device) {
      try {
        device = await driver.connect(endpoint, key, { signal, timeoutMs: Math.min(10_000, Math.max(1, endsAt - Date.now())) });
      } catch (error) {
        const retryable = !signal.aborted && (error instanceof AdbConnectError || error instanceof AdbTimeoutError);
        if (!retryable) throw signal.aborted ? signal.reason : error;
        if (!(await runtime.inspect(id)).running) throw new DeviceProvisionError("the device container stopped while booting");
        await sleep(pollMs, signal);
      }
    }
    try {
      await device.waitForBoot({ signal, intervalMs: pollMs, timeoutMs: Math.max(1, endsAt - Date.now()) });
    } catch (error) {
      await device.close().catch(() => undefined);
      throw error;
    }
    return { containerId: id, spec, endpoint, device };
  } catch (error) {
    await runtime.remove(id).catch(() => undefined);
    throw error;
  } finally {
    dispose();
  }
}
