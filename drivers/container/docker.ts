import Dockerode from "dockerode";
import { ContainerError } from "./errors.ts";
import { demux } from "./demux.ts";
import { statusOf, toContainerError, type ErrorSubject } from "./docker-errors.ts";
import { runExec } from "./docker-exec.ts";
import { parseDockerHost, type EngineEndpoint } from "./docker-host.ts";
import { labelFilters, toContainerInfo, toCreateOptions, toSummary, toVolumeInfo } from "./docker-mapping.ts";
import { hasLabels } from "./labels.ts";
import type {
  ContainerDriver,
  ContainerInfo,
  ContainerSpec,
  ContainerSummary,
  ExecOptions,
  ExecResult,
  Labels,
  LogsOptions,
  RemoveOptions,
  VolumeInfo,
  VolumeSpec,
} from "./types.ts";

export interface DockerDriverOptions {
  /** A DOCKER_HOST value: `unix:///path`, a socket path, or `tcp://host:port`. */
  dockerHost: string;
  /** Give up connecting after this long (UNAVAILABLE). */
  connectTimeoutMs?: number;
  pingTimeoutMs?: number;
}

/** The Docker Engine API (Docker, or Podman's compat service) through dockerode. */
export class DockerContainerDriver implements ContainerDriver {
  readonly kind = "docker" as const;
  readonly endpoint: EngineEndpoint;
  private readonly docker: Dockerode;
  private readonly pingTimeoutMs: number;

  constructor(options: DockerDriverOptions) {
    this.endpoint = parseDockerHost(options.dockerHost);
    this.pingTimeoutMs = options.pingTimeoutMs ?? 2_000;
    // docker-modem reads connectionTimeout although @types/dockerode does not list it.
    const connection: Dockerode.DockerOptions & { connectionTimeout: number } = {
      connectionTimeout: options.connectTimeoutMs ?? 5_000,
      ...(this.endpoint.transport === "unix"
        ? { socketPath: this.endpoint.socketPath }
        : { host: this.endpoint.host, port: this.endpoint.port, protocol: "http" }),
    };
    this.docker = new Dockerode(connection);
  }

  async ping(): Promise<boolean> {
    try {
      // dockerode's ping takes `{ abortSignal }` at run time; @types/dockerode omits the parameter.
      const ping = this.docker.ping.bind(this.docker) as unknown as (options: { abortSignal: AbortSignal }) => Promise<unknown>;
      await ping({ abortSignal: AbortSignal.timeout(this.pingTimeoutMs) });
      return true;
    } catch {
      return false;
    }
  }

  /** "Podman Engine 4.3.1", "Docker Engine - Community 28.2.2": for the start-up log line. */
  async describeEngine(): Promise<string> {
    const version = await this.call({ kind: "container", ref: "engine" }, () => this.docker.version());
    const component = version.Components?.[0];
    return component ? `${component.Name} ${component.Version}` : `Docker Engine ${version.Version}`;
  }

  async imageExists(ref: string): Promise<boolean> {
    try {
      await this.call({ kind: "image", ref }, () => this.docker.getImage(ref).inspect());
      return true;
    } catch (error) {
      if (error instanceof ContainerError && error.code === "NOT_FOUND") return false;
      throw error;
    }
  }

  async pullImage(ref: string): Promise<void> {
    const stream = await this.call({ kind: "image", ref }, () => this.docker.pull(ref));
    const failure = await pullFailure(stream);
    if (failure) {
      const code = /not found|manifest unknown|no such|does not exist/i.test(failure) ? "NOT_FOUND" : "BAD_GATEWAY";
      throw new ContainerError(code, `pulling image ${ref} failed: ${failure}`);
    }
  }

  async create(spec: ContainerSpec): Promise<{ id: string }> {
    const container = await this.call({ kind: "image", ref: spec.image }, () =>
      this.docker.createContainer(toCreateOptions(spec)),
    );
    return { id: container.id };
  }

  async start(id: string): Promise<void> {
    await this.callIdempotent(container(id), () => this.docker.getContainer(id).start());
  }

  async stop(id: string, timeoutS = 10): Promise<void> {
    await this.callIdempotent(container(id), () => this.docker.getContainer(id).stop({ t: timeoutS }));
  }

  async remove(id: string, options: RemoveOptions = {}): Promise<void> {
    await this.call(container(id), () =>
      this.docker.getContainer(id).remove({ force: options.force ?? false, v: options.volumes ?? false }),
    );
  }

  async inspect(id: string): Promise<ContainerInfo> {
    const raw = await this.call(container(id), () => this.docker.getContainer(id).inspect());
    return toContainerInfo(raw, this.endpoint.dialHost);
  }

  async exec(id: string, cmd: string[], options: ExecOptions = {}): Promise<ExecResult> {
    return this.call(container(id), () => runExec(this.docker.getContainer(id), cmd, options));
  }

  async logs(id: string, options: LogsOptions = {}): Promise<string> {
    const raw = await this.call(container(id), () =>
      this.docker.getContainer(id).logs({ stdout: true, stderr: true, follow: false, tail: options.tail }),
    );
    return demux(raw).combined;
  }

  async listByLabel(labels: Labels): Promise<ContainerSummary[]> {
    const raw = await this.call(container("list"), () =>
      this.docker.listContainers({ all: true, filters: labelFilters(labels) }),
    );
    return raw.map(toSummary);
  }

  async createVolume(spec: VolumeSpec): Promise<{ name: string }> {
    const volume = await this.call({ kind: "volume", ref: spec.name }, () =>
      this.docker.createVolume({ Name: spec.name, Labels: spec.labels }),
    );
    return { name: volume.name };
  }

  async removeVolume(name: string): Promise<void> {
    await this.call({ kind: "volume", ref: name }, () => this.docker.getVolume(name).remove());
  }

  async listVolumes(labels: Labels): Promise<VolumeInfo[]> {
    const raw = await this.call({ kind: "volume", ref: "list" }, () =>
      this.docker.listVolumes({ filters: labelFilters(labels) }),
    );
    // Podman 4 matches volumes carrying ANY of the label filters; Docker, all of them. Keep Docker's meaning.
    return (raw.Volumes ?? []).map(toVolumeInfo).filter((volume) => hasLabels(volume.labels, labels));
  }

  /** Runs one engine call, mapping its failure onto ContainerError. */
  private async call<T>(subject: ErrorSubject, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw toContainerError(error, subject, this.endpoint.url);
    }
  }

  /** For start and stop: the engine answers 304 when the container is already in that state. */
  private async callIdempotent(subject: ErrorSubject, run: () => Promise<unknown>): Promise<void> {
    try {
      await run();
    } catch (error) {
      if (statusOf(error) === 304) return;
      throw toContainerError(error, subject, this.endpoint.url);
    }
  }
}

function container(ref: string): ErrorSubject {
  return { kind: "container", ref };
}

/** Podman (and Docker for some registries) answer 200 and report a failed pull inside the progress stream. */
async function pullFailure(stream: NodeJS.ReadableStream): Promise<string | undefined> {
  let text = "";
  for await (const chunk of stream) text += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    try {
      const event = JSON.parse(line) as { error?: unknown; errorDetail?: { message?: unknown } };
      if (event.error || event.errorDetail) return String(event.errorDetail?.message ?? event.error);
    } catch {
      // A progress line that is not JSON carries no error.
    }
  }
  return undefined;
}
