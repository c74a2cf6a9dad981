/**
 * Device driver: the Android phone behind a cloud Android session.
 *
 * A device driver runs one kind of Android runtime on the container driver (it builds the
 * container spec, redroid-spec.ts, and creates, starts and inspects it through `ContainerDriver`)
 * and drives the phone once it runs (ADB over TCP, `AndroidDevice`). The sessions domain calls
 * only this interface: it never sees the spec, the labels or ADB's key format.
 *
 * Implementations (chosen only by `createDeviceDriver` in index.ts):
 *  - redroid.ts `createRedroidDriver`: Android in a privileged redroid container, reached over
 *    ADB with the platform's key. Used whenever the container driver is a real engine ("docker").
 *    redroid needs binder (and memfd) in the host kernel; where it is missing, tests run the
 *    fixture ADB device (tests/fixtures/adb-device) in a container made from the same spec.
 *  - simulated.ts `createSimulatedDeviceDriver`: the same container on the simulator engine, and an
 *    in-memory phone in place of ADB. Used when the container driver is the simulator (nothing runs).
 * Errors: `DeviceStartError` (errors.ts) and the ADB errors (adb/errors.ts) are the driver's own;
 * the container driver's `ContainerError` passes through. Imports nothing of src/.
 */
import type {
  AdbConnectOptions,
  AdbEndpoint,
  CallOptions,
  DeviceBanner,
  ShellBytesResult,
  ShellResult,
  WaitForBootOptions,
} from "./adb/types.ts";

export type { AdbConnectOptions, AdbEndpoint, CallOptions, DeviceBanner, ShellBytesResult, ShellResult, WaitForBootOptions };

export type GpuMode = "guest" | "host" | "auto";

export interface DeviceDisplay {
  width: number;
  height: number;
  dpi: number;
  fps: number;
}

/** What a session asks of its phone. Everything but the ids has a default. */
export interface DeviceSessionParams {
  sessionId: string;
  ownerId: string;
  display?: Partial<DeviceDisplay>;
  /** `guest` = software rendering (works anywhere), `host` = the host GPU, `auto` = detect. Default `guest`. */
  gpuMode?: GpuMode;
  resources?: { memoryBytes?: number; nanoCpus?: number };
}

/** A session's device container: created, not yet started. */
export interface DeviceContainer {
  containerId: string;
  /** The named volume holding the device's /data (the agent's workspace). */
  volumeName: string;
}

/** The platform's ADB key (PKCS#8 bytes) made, stored as text and read back. */
export interface DeviceKeys {
  generate(): Promise<Uint8Array>;
  serialize(key: Uint8Array): string;
  parse(text: string): Uint8Array;
}

/** A connected, authenticated Android device. */
export interface AndroidDevice {
  readonly serial: string;
  readonly banner: DeviceBanner;
  readonly shellProtocol: "v2" | "v1";
  /** Settles when the ADB connection ends. */
  readonly disconnected: Promise<void>;
  waitForBoot(options?: WaitForBootOptions): Promise<void>;
  shell(command: string, options?: CallOptions): Promise<ShellResult>;
  shellBytes(command: string, options?: CallOptions): Promise<ShellBytesResult>;
  push(path: string, bytes: Uint8Array, options?: CallOptions & { mode?: number }): Promise<void>;
  pull(path: string, options?: CallOptions): Promise<Uint8Array>;
  screenshot(options?: CallOptions): Promise<Uint8Array>;
  tap(x: number, y: number, options?: CallOptions): Promise<void>;
  swipe(x1: number, y1: number, x2: number, y2: number, durationMs?: number, options?: CallOptions): Promise<void>;
  text(text: string, options?: CallOptions): Promise<void>;
  keyevent(key: number | string, options?: CallOptions & { longpress?: boolean }): Promise<void>;
  install(apk: Uint8Array, options?: CallOptions): Promise<ShellResult>;
  close(): Promise<void>;
}

export type DeviceDriverKind = "redroid" | "simulated";

export interface DeviceDriver {
  readonly kind: DeviceDriverKind;
  /** Labels every device container and volume of this driver's pool carries (the reconciler lists by them). */
  readonly poolLabels: Readonly<Record<string, string>>;
  /** The session a device container or volume belongs to, read from its labels. */
  sessionOf(labels: Readonly<Record<string, string>>): string | undefined;
  /** The name of a session's data volume, whether or not it exists. */
  dataVolumeName(sessionId: string): string;
  readonly keys: DeviceKeys;

  /**
   * The session's data volume, its image (pulled when absent) and its container, not started.
   * Idempotent: a container the session already has is reused.
   */
  create(session: DeviceSessionParams): Promise<DeviceContainer>;
  /** Starts the container (no-op when running) and returns where ADB answers, `host:port`. */
  start(containerId: string): Promise<{ adbAddress: string }>;
  /**
   * Connects to a device whose container was just started: while adbd is not listening yet and the
   * container still runs, tries again until `timeoutMs`. DeviceStartError when the container stops.
   */
  connectStarting(
    containerId: string,
    adbAddress: string,
    key: Uint8Array,
    options: { timeoutMs: number; signal?: AbortSignal; pollMs?: number },
  ): Promise<AndroidDevice>;
  /** Connects and authenticates with the platform's ADB key (PKCS#8 bytes). */
  connect(adbAddress: string, key: Uint8Array, options?: AdbConnectOptions): Promise<AndroidDevice>;
}
