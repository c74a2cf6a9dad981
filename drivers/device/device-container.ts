/**
 * The part every device driver shares: the session's container on the container driver. From the
 * redroid spec it makes the data volume, pulls the image when absent, creates (or finds) the
 * container, starts it and reads where ADB is published; it reconnects while adbd comes up.
 */
import type { ContainerDriver } from "../container/types.ts";
import { AdbConnectError, AdbTimeoutError } from "./adb/errors.ts";
import { deadline, sleep } from "./adb/deadline.ts";
import { DeviceStartError } from "./errors.ts";
import { DEVICE_LABELS, deviceDataVolumeName, REDROID_ADB_PORT, redroidContainerSpec } from "./redroid-spec.ts";
import type { DeviceDriver } from "./types.ts";

/** What a device driver is configured with (its slice of the configuration). */
export interface DeviceDriverConfig {
  /** DEVICE_IMAGE. */
  image: string;
  /** DEVICE_POOL. */
  pool: string;
}

export interface DeviceDriverDeps {
  containers: ContainerDriver;
}

type ContainerPart = Pick<DeviceDriver, "poolLabels" | "sessionOf" | "dataVolumeName" | "create" | "start" | "connectStarting">;

export function deviceContainers(config: DeviceDriverConfig, deps: DeviceDriverDeps, connect: DeviceDriver["connect"]): ContainerPart {
  const { containers } = deps;
  return {
    poolLabels: { [DEVICE_LABELS.role]: "device", [DEVICE_LABELS.pool]: config.pool },
    sessionOf: (labels) => labels[DEVICE_LABELS.session],
    dataVolumeName: deviceDataVolumeName,

    async create(session) {
      const spec = redroidContainerSpec(session, config);
      for (const mount of spec.mounts ?? []) {
        if (mount.type === "volume" && mount.source) await containers.createVolume({ name: mount.source, labels: spec.labels });
      }
      // The first session on an engine pulls the device image.
      if (!(await containers.imageExists(spec.image))) await containers.pullImage(spec.image);
      const existing = await containers.listByLabel({ [DEVICE_LABELS.session]: session.sessionId });
      const containerId = existing[0]?.id ?? (await containers.create(spec)).id;
      return { containerId, volumeName: deviceDataVolumeName(session.sessionId) };
    },

    async start(containerId) {
      await containers.start(containerId);
      const info = await containers.inspect(containerId);
      const adb = info.ports.find((port) => port.containerPort === REDROID_ADB_PORT);
      if (!adb) throw new DeviceStartError(`container ${containerId} publishes no ADB port ${REDROID_ADB_PORT}`);
      return { adbAddress: adb.address };
    },

    async connectStarting(containerId, adbAddress, key, options) {
      const pollMs = options.pollMs ?? 1_000;
      const endsAt = Date.now() + options.timeoutMs;
      const { signal, dispose } = deadline(`connecting to the device at ${adbAddress}`, options);
      try {
        for (;;) {
          try {
            return await connect(adbAddress, key, { signal, timeoutMs: Math.max(1, endsAt - Date.now()) });
          } catch (error) {
            const retryable = !signal.aborted && (error instanceof AdbConnectError || error instanceof AdbTimeoutError);
            if (!retryable) throw signal.aborted ? signal.reason : error;
            if ((await containers.inspect(containerId)).state !== "running") {
              throw new DeviceStartError(`the device container ${containerId} stopped while booting`);
            }
            await sleep(pollMs, signal);
          }
        }
      } finally {
        dispose();
      }
    },
  };
}

/** `host:port` (IPv6 in brackets) as the container driver publishes it. */
export function adbEndpoint(adbAddress: string): { host: string; port: number } {
  const at = adbAddress.lastIndexOf(":");
  return { host: adbAddress.slice(0, at).replace(/^\[|\]$/g, ""), port: Number(adbAddress.slice(at + 1)) };
}
