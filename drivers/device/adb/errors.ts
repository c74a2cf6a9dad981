import type { ShellResult } from "./types.ts";

export class AdbError extends Error {
  override readonly name: string = "AdbError";
}

/** The TCP connection or the handshake failed before the device asked for a key (retryable while booting). */
export class AdbConnectError extends AdbError {
  override readonly name = "AdbConnectError";
}

/** The device asked for a key and did not accept ours (refused, or never confirmed before the deadline). */
export class AdbAuthError extends AdbError {
  override readonly name = "AdbAuthError";
}

export class AdbTimeoutError extends AdbError {
  override readonly name = "AdbTimeoutError";
}

/** A device command ran but reported failure; `result` carries its output. */
export class AdbCommandError extends AdbError {
  override readonly name = "AdbCommandError";
  constructor(
    message: string,
    readonly result: ShellResult,
  ) {
    super(message);
  }
}
