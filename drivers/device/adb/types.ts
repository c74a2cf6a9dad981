export interface AdbEndpoint {
  host: string;
  port: number;
}

/**
 * Result of a device command. `exitCode` is present when the device speaks the shell v2 protocol;
 * over v1 there is one merged output stream (in `stdout`) and no exit status.
 */
export interface ShellResult {
  exitCode?: number;
  stdout: string;
  stderr: string;
}

export interface ShellBytesResult {
  exitCode?: number;
  stdout: Uint8Array;
  stderr: Uint8Array;
}

export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface AdbConnectOptions {
  /** Whole connect + authenticate budget. Default 10 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Comment sent with the public key when the device has not seen it yet. Default `agent-cloud`. */
  keyName?: string;
}

export interface WaitForBootOptions {
  /** Default 120 s. */
  timeoutMs?: number;
  /** Poll interval. Default 1 s. */
  intervalMs?: number;
  signal?: AbortSignal;
}

export interface DeviceBanner {
  product?: string;
  model?: string;
  device?: string;
  features: readonly string[];
}
