import { connectAdb } from "./adb/connect.ts";
import { REDROID_ADB_PORT, redroidContainerSpec } from "./redroid-spec.ts";
import type { DeviceDriver } from "./types.ts";

/** Android in a redroid container, driven over ADB/TCP with the platform's key. */
export function createRedroidDriver(defaults: { image?: string } = {}): DeviceDriver {
  return {
    kind: "redroid",
    adbPort: REDROID_ADB_PORT,
    containerSpec: (session) => redroidContainerSpec({ ...session, image: session.image ?? defaults.image }),
    connect: (endpoint, key, options) => connectAdb(endpoint, key, options),
  };
}
