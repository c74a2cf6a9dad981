import type { Services } from "../../platform/services.ts";
import { DeviceGateway } from "./gateway.ts";

/** Per-process session state (live ADB connections), one per Services instance. */
const gateways = new WeakMap<Services, DeviceGateway>();

export function gatewayFor(services: Services): DeviceGateway {
  let gateway = gateways.get(services);
  if (!gateway) {
    gateway = new DeviceGateway({ db: services.db, devices: services.devices, signingSecret: services.signingSecret });
    gateways.set(services, gateway);
  }
  return gateway;
}
