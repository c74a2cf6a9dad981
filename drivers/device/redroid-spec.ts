/**
 * The redroid container for one session, from its parameters (pure). Boot parameters are
 * redroid's documented `androidboot.*` arguments, passed as the container command:
 * redroid_width/height/dpi/fps (display), redroid_gpu_mode (guest = software rendering,
 * host = GPU, auto), use_memfd (memfd instead of the ashmem module, which newer kernels lack).
 */
import type { ContainerSpec } from "../container/types.ts";
import type { DeviceDisplay, DeviceSessionParams, GpuMode } from "./types.ts";

export const REDROID_DEFAULT_IMAGE = "redroid/redroid:14.0.0-latest";
export const REDROID_ADB_PORT = 5555;
/** redroid's own defaults, except fps, which it lowers to 15 without a GPU. */
export const REDROID_DEFAULT_DISPLAY: DeviceDisplay = { width: 720, height: 1280, dpi: 320, fps: 30 };
export const REDROID_DEFAULT_GPU_MODE: GpuMode = "guest";

export const DEVICE_LABELS = {
  session: "agent-cloud.session",
  role: "agent-cloud.role",
  owner: "agent-cloud.owner",
  pool: "agent-cloud.pool",
} as const;

const NAME_SAFE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;
const GPU_MODES: readonly GpuMode[] = ["guest", "host", "auto"];

function integerIn(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer from ${min} to ${max}, got ${value}`);
  }
  return value;
}

export function deviceContainerName(sessionId: string): string {
  return `agent-cloud-device-${sessionId}`;
}

export function deviceDataVolumeName(sessionId: string): string {
  return `agent-cloud-device-${sessionId}-data`;
}

/** Deployment-wide settings of the device containers. */
export interface RedroidSpecOptions {
  /** Default `redroid/redroid:14.0.0-latest`. */
  image?: string;
  /** DEVICE_POOL: deployments sharing an engine each reconcile only their own pool. */
  pool: string;
}

export function redroidContainerSpec(params: DeviceSessionParams, options: RedroidSpecOptions): ContainerSpec {
  if (!NAME_SAFE.test(params.sessionId)) throw new RangeError(`session id ${JSON.stringify(params.sessionId)} cannot name a container`);
  if (params.ownerId.trim() === "") throw new RangeError("owner id is empty");

  const display = { ...REDROID_DEFAULT_DISPLAY, ...params.display };
  const width = integerIn("display width", display.width, 64, 4096);
  const height = integerIn("display height", display.height, 64, 4096);
  const dpi = integerIn("display dpi", display.dpi, 72, 1000);
  const fps = integerIn("display fps", display.fps, 1, 120);
  const gpuMode = params.gpuMode ?? REDROID_DEFAULT_GPU_MODE;
  if (!GPU_MODES.includes(gpuMode)) throw new RangeError(`gpu mode must be one of ${GPU_MODES.join(", ")}`);

  const labels = {
    [DEVICE_LABELS.session]: params.sessionId,
    [DEVICE_LABELS.role]: "device",
    [DEVICE_LABELS.owner]: params.ownerId,
    [DEVICE_LABELS.pool]: options.pool,
  };
  const resources = params.resources;
  if (resources?.memoryBytes !== undefined) integerIn("memory bytes", resources.memoryBytes, 512 * 1024 * 1024, Number.MAX_SAFE_INTEGER);
  if (resources?.nanoCpus !== undefined) integerIn("nano CPUs", resources.nanoCpus, 100_000_000, Number.MAX_SAFE_INTEGER);

  return {
    name: deviceContainerName(params.sessionId),
    image: options.image ?? REDROID_DEFAULT_IMAGE,
    cmd: [
      `androidboot.redroid_width=${width}`,
      `androidboot.redroid_height=${height}`,
      `androidboot.redroid_dpi=${dpi}`,
      `androidboot.redroid_fps=${fps}`,
      `androidboot.redroid_gpu_mode=${gpuMode}`,
      "androidboot.use_memfd=true",
    ],
    env: {},
    labels,
    // redroid mounts binderfs and sets up its own init, which needs a privileged container.
    privileged: true,
    // Android brings its own init.
    init: false,
    mounts: [{ type: "volume", source: deviceDataVolumeName(params.sessionId), target: "/data" }],
    // ADB on loopback only, at a port the engine picks (read back with inspect).
    publish: [{ containerPort: REDROID_ADB_PORT, protocol: "tcp", hostIp: "127.0.0.1" }],
    ...(resources?.memoryBytes ? { memoryBytes: resources.memoryBytes } : {}),
    ...(resources?.nanoCpus ? { cpus: resources.nanoCpus / 1e9 } : {}),
  };
}
