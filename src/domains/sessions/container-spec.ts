import type { ContainerSpec } from "../../../drivers/container/types.ts";
import { DEVICE_LABELS } from "../../../drivers/device/redroid-spec.ts";
import type { DeviceContainerSpec } from "../../../drivers/device/types.ts";

/** The device driver's engine-neutral spec in the container driver's terms. */
export function toContainerSpec(device: DeviceContainerSpec, pool: string): ContainerSpec {
  return {
    name: device.name,
    image: device.image,
    cmd: [...device.cmd],
    env: { ...device.env },
    labels: { ...device.labels, [DEVICE_LABELS.pool]: pool },
    privileged: device.privileged,
    // Android brings its own init.
    init: false,
    mounts: device.volumes.map((v) => ({ type: "volume" as const, source: v.name, target: v.target })),
    publish: device.ports.map((p) => ({
      containerPort: p.containerPort,
      protocol: p.protocol,
      hostIp: p.hostIp,
      ...(p.hostPort ? { hostPort: p.hostPort } : {}),
    })),
    ...(device.resources?.memoryBytes ? { memoryBytes: device.resources.memoryBytes } : {}),
    ...(device.resources?.nanoCpus ? { cpus: device.resources.nanoCpus / 1e9 } : {}),
  };
}
