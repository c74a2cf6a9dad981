import { connectAdb } from "./adb/connect.ts";
import { ADB_KEYS } from "./adb/key.ts";
import { adbEndpoint, deviceContainers, type DeviceDriverConfig, type DeviceDriverDeps } from "./device-container.ts";
import type { DeviceDriver } from "./types.ts";

/** Android in a redroid container on the container driver, driven over ADB/TCP with the platform's key. */
export function createRedroidDriver(config: DeviceDriverConfig, deps: DeviceDriverDeps): DeviceDriver {
  const connect: DeviceDriver["connect"] = (adbAddress, key, options) => connectAdb(adbEndpoint(adbAddress), key, options);
  return { kind: "redroid", keys: ADB_KEYS, connect, ...deviceContainers(config, deps, connect) };
}
