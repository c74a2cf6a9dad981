import type { Db } from "../../../db/connection.ts";
import type { DeviceDriver } from "../../../drivers/device/types.ts";
import { createPlatformAdbKey } from "./device-key.ts";
import { DeviceGateway } from "./gateway.ts";

/** The sessions domain's per-process state, built once at start-up by the composition root. */
export interface SessionsModule {
  /** The platform's ADB key, loaded (or made) on first use. */
  adbKey: () => Promise<Uint8Array>;
  /** Live ADB connections to active sessions' devices in this process. */
  gateway: DeviceGateway;
}

export function createSessionsModule(deps: { db: Db; devices: DeviceDriver; signingSecret: string }): SessionsModule {
  const adbKey = createPlatformAdbKey({ db: deps.db, signingSecret: deps.signingSecret, keys: deps.devices.keys });
  return { adbKey, gateway: new DeviceGateway({ db: deps.db, devices: deps.devices, adbKey }) };
}

declare module "../../platform/services.ts" {
  interface DomainModules {
    sessions: SessionsModule;
  }
}
