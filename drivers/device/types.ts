/**
 * Device drivers: the Android phone behind a cloud Android session.
 *
 * A DeviceDriver knows two things about one kind of Android runtime: the container it runs in
 * (a neutral `DeviceContainerSpec` that the container driver creates; `dockerCreateRequest` in
 * docker-create.ts shows the exact Docker Engine body) and how to drive it once it runs (ADB over
 * TCP, `AndroidDevice`). `provisionDevice` in provision.ts joins them with a container runtime:
 * create from spec -> start -> read the published ADB port -> connect -> wait for boot.
 *
 * Implementations:
 *  - redroid.ts `createRedroidDriver()`: Android in a privileged redroid container. Needs binder
 *    (and memfd) in the host kernel, so it runs on container hosts prepared for it, never here.
 * Tests stand in for the Android side with tests/fixtures/adb-device, a device that speaks the
 * ADB wire protocol over TCP (these machines have no binder, so redroid itself cannot boot).
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
  /** Container image. Default `redroid/redroid:14.0.0-latest`. */
  image?: string;
  display?: Partial<DeviceDisplay>;
  /** `guest` = software rendering (works anywhere), `host` = the host GPU, `auto` = detect. Default `guest`. */
  gpuMode?: GpuMode;
  /**
   * Where ADB is reachable. `loopback` (default) publishes 5555/tcp on 127.0.0.1 with a random host
   * port; `private` publishes nothing and attaches the container to a named network, where the
   * platform reaches it at its address on that network.
   */
  network?: { kind: "loopback" } | { kind: "private"; name: string };
  resources?: { memoryBytes?: number; nanoCpus?: number };
}

export interface DeviceVolume {
  /** A named volume (created on first use), owned by the session. */
  name: string;
  target: string;
  labels: Readonly<Record<string, string>>;
}

export interface DevicePort {
  containerPort: number;
  protocol: "tcp";
  hostIp: string;
  /** 0 = let the engine pick a free port. */
  hostPort: number;
}

/** A container described in engine-neutral terms (what the container driver's create takes). */
export interface DeviceContainerSpec {
  name: string;
  image: string;
  cmd: readonly string[];
  env: Readonly<Record<string, string>>;
  labels: Readonly<Record<string, string>>;
  privileged: boolean;
  volumes: readonly DeviceVolume[];
  ports: readonly DevicePort[];
  /** Named network to attach to instead of the default bridge. */
  network?: string;
  resources?: { memoryBytes?: number; nanoCpus?: number };
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

export interface DeviceDriver {
  readonly kind: "redroid" | "simulated";
  /** The container port ADB listens on. */
  readonly adbPort: number;
  containerSpec(session: DeviceSessionParams): DeviceContainerSpec;
  /** Connects and authenticates with the platform's ADB key (PKCS#8 bytes). */
  connect(endpoint: AdbEndpoint, key: Uint8Array, options?: AdbConnectOptions): Promise<AndroidDevice>;
}
