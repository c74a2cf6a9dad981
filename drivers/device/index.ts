/** The device driver kind (see types.ts): the one factory, and what callers may name. */
import { createRedroidDriver } from "./redroid.ts";
import { createSimulatedDeviceDriver } from "./simulated.ts";
import type { DeviceDriverConfig, DeviceDriverDeps } from "./device-container.ts";
import type { DeviceDriver, DeviceDriverKind } from "./types.ts";

export type * from "./types.ts";
export type { DeviceDriverConfig, DeviceDriverDeps } from "./device-container.ts";
export { DeviceStartError } from "./errors.ts";
export { AdbAuthError, AdbCommandError, AdbConnectError, AdbError, AdbTimeoutError } from "./adb/errors.ts";

/** The one place that chooses a device driver: the simulator engine runs nothing, so its devices are simulated too. */
export function createDeviceDriver(config: DeviceDriverConfig, deps: DeviceDriverDeps): DeviceDriver {
  const kind: DeviceDriverKind = deps.containers.kind === "simulator" ? "simulated" : "redroid";
  switch (kind) {
    case "redroid":
      return createRedroidDriver(config, deps);
    case "simulated":
      return createSimulatedDeviceDriver(config, deps);
  }
}
