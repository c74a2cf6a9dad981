/** A device container that cannot serve as a phone: it publishes no ADB port, or it stopped while booting. */
export class DeviceStartError extends Error {
  override readonly name = "DeviceStartError";
}
