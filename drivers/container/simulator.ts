import { existsSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { ContainerError } from "./errors.ts";
import { hasLabels } from "./labels.ts";
import type {
  ContainerDriver,
  ContainerInfo,
  ContainerSpec,
  ContainerState,
  ContainerSummary,
  ExecResult,
  Labels,
  LogsOptions,
  PublishedPort,
  RemoveOptions,
  VolumeInfo,
  VolumeSpec,
} from "./types.ts";

export interface SimulatorOptions {
  /** Images present from the start; others must be "pulled" first, as with a real engine. */
  images?: string[];
}

interface SimContainer {
  id: string;
  name: string;
  spec: ContainerSpec;
  state: ContainerState;
  exitCode: number | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  ports: PublishedPort[];
  /** Named and anonymous volumes this container mounts. */
  volumes: string[];
  anonymousVolumes: string[];
  log: string[];
}

interface SimVolume {
  name: string;
  labels: Labels;
  createdAt: string;
}

/** What a stopped container's process would report after SIGTERM (128 + 15). */
const SIGTERM_EXIT = 143;
const NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
/**
 * A host port the machine says is free now: a random pick from the ephemeral range could be a port
 * some other process listens on or dials from, and the "container" behind it (a test's fixture)
 * would then fail to bind or the caller would reach a stranger.
 */
function freeHostPort(hostname: string): number {
  const probe = Bun.listen({ hostname, port: 0, socket: { data() {} } });
  const port = probe.port;
  probe.stop(true);
  return port;
}

/**
 * An in-memory container engine with Docker's state machine and error cases, for machines with no
 * engine. It runs nothing: `exec` returns `simulated: true` with empty stdout, and `logs` holds only
 * the simulator's own lines, marked "[simulator]".
 */
export class SimulatorContainerDriver implements ContainerDriver {
  readonly kind = "simulator" as const;
  private readonly containers = new Map<string, SimContainer>();
  private readonly volumes = new Map<string, SimVolume>();
  private readonly images: Set<string>;

  constructor(options: SimulatorOptions = {}) {
    this.images = new Set(options.images ?? []);
  }

  async ping(): Promise<boolean> {
    return true;
  }

  async imageExists(ref: string): Promise<boolean> {
    return this.images.has(ref);
  }

  /** Records the image as present; nothing is downloaded. */
  async pullImage(ref: string): Promise<void> {
    if (!ref.trim() || /\s/.test(ref)) throw new ContainerError("BAD_REQUEST", `invalid image reference "${ref}"`);
    this.images.add(ref);
  }

  async create(spec: ContainerSpec): Promise<{ id: string }> {
    if (!NAME_PATTERN.test(spec.name)) throw new ContainerError("BAD_REQUEST", `invalid container name "${spec.name}"`);
    if (this.byName(spec.name)) throw new ContainerError("CONFLICT", `container name "${spec.name}" is already in use`);
    if (!this.images.has(spec.image)) throw new ContainerError("NOT_FOUND", `image ${spec.image} not found: no such image`);
    const volumes: string[] = [];
    const anonymousVolumes: string[] = [];
    for (const mount of spec.mounts ?? []) {
      if (mount.type === "bind") {
        if (!existsSync(mount.source)) {
          throw new ContainerError("BAD_REQUEST", `bind source path does not exist: ${mount.source}`);
        }
        continue;
      }
      const name = mount.source ?? newId();
      if (!mount.source) anonymousVolumes.push(name);
      if (!this.volumes.has(name)) this.volumes.set(name, { name, labels: {}, createdAt: now() });
      volumes.push(name);
    }
    const id = newId();
    this.containers.set(id, {
      id,
      name: spec.name,
      spec: structuredClone(spec),
      state: "created",
      exitCode: null,
      createdAt: now(),
      startedAt: null,
      finishedAt: null,
      ports: this.allocatePorts(spec),
      volumes,
      anonymousVolumes,
      log: [],
    });
    return { id };
  }

  async start(id: string): Promise<void> {
    const container = this.find(id);
    if (container.state === "running") return;
    container.state = "running";
    container.exitCode = null;
    container.startedAt = now();
    const command = [...(container.spec.entrypoint ?? []), ...(container.spec.cmd ?? [])].join(" ") || "(image default)";
    container.log.push(`[simulator] started ${container.name} from ${container.spec.image}; command not run: ${command}`);
  }

  async stop(id: string): Promise<void> {
    const container = this.find(id);
    if (container.state !== "running") return;
    container.state = "exited";
    container.exitCode = SIGTERM_EXIT;
    container.finishedAt = now();
    container.log.push(`[simulator] stopped ${container.name}`);
  }

  async remove(id: string, options: RemoveOptions = {}): Promise<void> {
    const container = this.find(id);
    if (container.state === "running" && !options.force) {
      throw new ContainerError("CONFLICT", `container ${id} is running: stop it or remove it with force`);
    }
    this.containers.delete(container.id);
    if (options.volumes) for (const name of container.anonymousVolumes) this.volumes.delete(name);
  }

  async inspect(id: string): Promise<ContainerInfo> {
    const container = this.find(id);
    return {
      id: container.id,
      name: container.name,
      image: container.spec.image,
      state: container.state,
      exitCode: container.exitCode,
      oomKilled: false,
      error: null,
      createdAt: container.createdAt,
      startedAt: container.startedAt,
      finishedAt: container.finishedAt,
      labels: { ...container.spec.labels },
      ports: container.ports.map((port) => ({ ...port })),
    };
  }

  async exec(id: string, cmd: string[]): Promise<ExecResult> {
    const container = this.find(id);
    if (container.state !== "running") throw new ContainerError("CONFLICT", `container ${id} is not running`);
    return {
      exitCode: 0,
      stdout: "",
      stderr: `[simulator] command not executed (no container engine): ${cmd.join(" ")}\n`,
      timedOut: false,
      simulated: true,
    };
  }

  async logs(id: string, options: LogsOptions = {}): Promise<string> {
    const lines = this.find(id).log;
    const kept = options.tail === undefined ? lines : lines.slice(Math.max(0, lines.length - options.tail));
    return kept.map((line) => `${line}\n`).join("");
  }

  async listByLabel(labels: Labels): Promise<ContainerSummary[]> {
    return [...this.containers.values()]
      .filter((container) => hasLabels(container.spec.labels, labels))
      .reverse()
      .map((container) => ({
        id: container.id,
        name: container.name,
        image: container.spec.image,
        state: container.state,
        labels: { ...container.spec.labels },
        createdAt: container.createdAt,
      }));
  }

  async createVolume(spec: VolumeSpec): Promise<{ name: string }> {
    if (!NAME_PATTERN.test(spec.name)) throw new ContainerError("BAD_REQUEST", `invalid volume name "${spec.name}"`);
    if (!this.volumes.has(spec.name)) {
      this.volumes.set(spec.name, { name: spec.name, labels: { ...spec.labels }, createdAt: now() });
    }
    return { name: spec.name };
  }

  async removeVolume(name: string): Promise<void> {
    if (!this.volumes.has(name)) throw new ContainerError("NOT_FOUND", `volume ${name} not found: no such volume`);
    const users = [...this.containers.values()].filter((container) => container.volumes.includes(name));
    if (users.length > 0) {
      throw new ContainerError("CONFLICT", `volume ${name} is being used by ${users.map((c) => c.id).join(", ")}`);
    }
    this.volumes.delete(name);
  }

  async listVolumes(labels: Labels): Promise<VolumeInfo[]> {
    return [...this.volumes.values()]
      .filter((volume) => hasLabels(volume.labels, labels))
      .map((volume) => ({ name: volume.name, labels: { ...volume.labels }, createdAt: volume.createdAt }));
  }

  /** By full id, by name, or by an id prefix that matches one container, as the Engine API resolves them. */
  private find(ref: string): SimContainer {
    const exact = this.containers.get(ref) ?? this.byName(ref);
    if (exact) return exact;
    const byPrefix = ref ? [...this.containers.values()].filter((container) => container.id.startsWith(ref)) : [];
    if (byPrefix.length === 1 && byPrefix[0]) return byPrefix[0];
    throw new ContainerError("NOT_FOUND", `container ${ref} not found: no such container`);
  }

  private byName(name: string): SimContainer | undefined {
    for (const container of this.containers.values()) if (container.name === name) return container;
    return undefined;
  }

  private allocatePorts(spec: ContainerSpec): PublishedPort[] {
    const taken = new Set([...this.containers.values()].flatMap((c) => c.ports.map((p) => p.hostPort)));
    return (spec.publish ?? []).map((request) => {
      let hostPort = request.hostPort;
      if (hostPort === undefined) {
        do hostPort = freeHostPort("127.0.0.1");
        while (taken.has(hostPort));
      } else if (taken.has(hostPort)) {
        throw new ContainerError("CONFLICT", `host port ${hostPort} is already allocated`);
      }
      taken.add(hostPort);
      const hostIp = request.hostIp || "0.0.0.0";
      const dial = hostIp === "0.0.0.0" || hostIp === "::" ? "127.0.0.1" : hostIp;
      return {
        containerPort: request.containerPort,
        protocol: request.protocol ?? "tcp",
        hostIp,
        hostPort,
        address: `${dial.includes(":") ? `[${dial}]` : dial}:${hostPort}`,
      };
    });
  }
}

function newId(): string {
  return randomBytes(32).toString("hex");
}

function now(): string {
  return new Date().toISOString();
}
