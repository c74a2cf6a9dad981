/** Device drivers (see types.ts): one factory, chosen from configuration. */
import { createRedroidDriver } from "./redroid.ts";
import type { DeviceDriver } from "./types.ts";

export type DeviceDriverConfig = { kind: "redroid"; image?: string };

export function createDeviceDriver(config: DeviceDriverConfig = { kind: "redroid" }): DeviceDriver {
  switch (config.kind) {
    case "redroid":
      return createRedroidDriver(config.image === undefined ? {} : { image: config.image });
  }
}

export * from "./adb/index.ts";
export { dockerCreateRequest, fromDockerInspect } from "./docker-api.ts";
export type { DeviceContainerState, DockerContainerCreateBody, DockerCreateRequest, DockerInspectSubset } from "./docker-api.ts";
export { adbEndpointOf, DeviceProvisionError, provisionDevice } from "./provision.ts";
export type { DeviceContainerRuntime, ProvisionedDevice, ProvisionOptions } from "./provision.ts";
export { createRedroidDriver } from "./redroid.ts";
export * from "./redroid-spec.ts";
export type * from "./types.ts";
