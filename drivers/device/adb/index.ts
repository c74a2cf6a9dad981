/** ADB over TCP with Tango (@yume-chan/adb): connect with the platform's key, then drive the device. */
export { connectAdb } from "./connect.ts";
export { AdbDevice } from "./device.ts";
export { AdbAuthError, AdbCommandError, AdbConnectError, AdbError, AdbTimeoutError } from "./errors.ts";
export { keyeventCommand, swipeCommand, tapCommand, textCommand } from "./input.ts";
export { adbPublicKey, assertAdbKey, generateAdbKey, parseAdbKey, serializeAdbKey } from "./key.ts";
export { shellCommand, shellQuote } from "./quote.ts";
export { isPng } from "./screenshot.ts";
export type * from "./types.ts";
