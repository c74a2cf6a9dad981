/**
 * Container driver: creates, runs, inspects and removes the containers behind sessions and
 * sandboxes, and the named volumes that keep their data.
 *
 * Implementations:
 * - `docker.ts` (`DockerContainerDriver`, kind "docker"): the Docker Engine API through dockerode.
 *   Works against Docker and against Podman's Docker-compatible service (what CI and fresh machines
 *   run, see scripts/engine/). Used whenever an engine answers at DOCKER_HOST (or at a well-known
 *   socket), and always in mode "docker".
 * - `simulator.ts` (`SimulatorContainerDriver`, kind "simulator"): an in-memory state machine for
 *   machines with no engine. Used in mode "simulator", and in mode "auto" when no engine answers
 *   (logged as a warning). It runs nothing: exec and logs say so instead of inventing output.
 *
 * Selection happens only in `createContainerDriver` (index.ts); nothing else reads driver config.
 * Every method rejects with `ContainerError` (errors.ts): NOT_FOUND (no such container, volume or
 * image), CONFLICT (name in use, wrong state, volume in use), UNAVAILABLE (engine unreachable),
 * BAD_REQUEST (spec refused by the engine), BAD_GATEWAY (any other engine failure). The domain that
 * calls the driver maps them to its own errors. A container may be addressed by its id or its name.
 * Like every driver, this one imports nothing of src/ (tests/drivers/leaves.test.ts).
 */

export type ContainerDriverKind = "docker" | "simulator";

export type LogFields = Record<string, unknown>;

/** What the driver logs through; the platform's logger satisfies it. */
export interface DriverLogger {
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  child(fields: LogFields): DriverLogger;
}

export type Labels = Record<string, string>;

export type ContainerState = "created" | "running" | "paused" | "restarting" | "removing" | "exited" | "dead";

export type PortProtocol = "tcp" | "udp";

export interface PortRequest {
  containerPort: number;
  protocol?: PortProtocol;
  /** Host address to bind; omitted means the engine's default (all interfaces). */
  hostIp?: string;
  /** Omitted means the engine picks a free port; read it back with `inspect`. */
  hostPort?: number;
}

export type MountSpec =
  /** A named volume (created on first use); without `source` an anonymous one, see `RemoveOptions.volumes`. */
  | { type: "volume"; source?: string; target: string; readOnly?: boolean }
  /** A host directory; it must exist. */
  | { type: "bind"; source: string; target: string; readOnly?: boolean };

export interface ContainerSpec {
  name: string;
  image: string;
  cmd?: string[];
  entrypoint?: string[];
  env?: Record<string, string>;
  labels: Labels;
  workingDir?: string;
  user?: string;
  privileged?: boolean;
  /** Run a minimal init as PID 1 so signals reach the command and `stop` is prompt. Leave off for
   * images that bring their own init (Android system images). */
  init?: boolean;
  mounts?: MountSpec[];
  publish?: PortRequest[];
  memoryBytes?: number;
  cpus?: number;
  pidsLimit?: number;
  /** "none": no network at all (verifier sandboxes); omitted means the engine's default network. */
  network?: "none";
}

export interface PublishedPort {
  containerPort: number;
  protocol: PortProtocol;
  hostIp: string;
  hostPort: number;
  /** `host:port` the platform can dial: a wildcard bind is resolved to the engine's host. */
  address: string;
}

export interface ContainerInfo {
  id: string;
  name: string;
  image: string;
  state: ContainerState;
  /** Set once the container has exited; null while created or running. */
  exitCode: number | null;
  oomKilled: boolean;
  /** The engine's error for a failed start, else null. */
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  labels: Labels;
  ports: PublishedPort[];
}

export interface ContainerSummary {
  id: string;
  name: string;
  image: string;
  state: ContainerState;
  labels: Labels;
  createdAt: string;
}

export interface RemoveOptions {
  /** Kill a running container instead of refusing (CONFLICT). */
  force?: boolean;
  /** Also remove the container's anonymous volumes; named volumes stay (use `removeVolume`). */
  volumes?: boolean;
}

export interface ExecOptions {
  stdin?: string | Uint8Array;
  env?: Record<string, string>;
  workingDir?: string;
  user?: string;
  /** Stop waiting after this long; the result then has `timedOut: true` and what was read so far. */
  timeoutMs?: number;
}

export interface ExecResult {
  /** null when the wait timed out before the command finished. */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** true when no command ran (simulator): stdout is empty and stderr says so. */
  simulated: boolean;
}

export interface LogsOptions {
  /** Only the last N lines. */
  tail?: number;
}

export interface VolumeSpec {
  name: string;
  labels: Labels;
}

export interface VolumeInfo {
  name: string;
  labels: Labels;
  createdAt: string | null;
}

export interface ContainerDriver {
  readonly kind: ContainerDriverKind;
  /** true when the engine answers; never rejects. */
  ping(): Promise<boolean>;

  imageExists(ref: string): Promise<boolean>;
  /** Pulls from the image's registry; rejects when the engine reports a failed pull. */
  pullImage(ref: string): Promise<void>;

  /** Creates without starting. NOT_FOUND when the image is not present (pull it first). */
  create(spec: ContainerSpec): Promise<{ id: string }>;
  /** No-op when already running. */
  start(id: string): Promise<void>;
  /** SIGTERM, then SIGKILL after `timeoutS` (default 10). No-op when not running. */
  stop(id: string, timeoutS?: number): Promise<void>;
  remove(id: string, options?: RemoveOptions): Promise<void>;
  inspect(id: string): Promise<ContainerInfo>;
  /** Runs `cmd` in a running container (CONFLICT otherwise), stdout and stderr kept apart. */
  exec(id: string, cmd: string[], options?: ExecOptions): Promise<ExecResult>;
  /** stdout and stderr interleaved as written. */
  logs(id: string, options?: LogsOptions): Promise<string>;
  /** Every container (any state) carrying all of `labels`. */
  listByLabel(labels: Labels): Promise<ContainerSummary[]>;

  /** Idempotent: an existing volume of that name is kept as it is. */
  createVolume(spec: VolumeSpec): Promise<{ name: string }>;
  /** CONFLICT while a container uses it. */
  removeVolume(name: string): Promise<void>;
  listVolumes(labels: Labels): Promise<VolumeInfo[]>;
}
