/** Translation between the driver's types and the Docker Engine API's (as typed by @types/dockerode). */
import type Dockerode from "dockerode";
import type {
  ContainerInfo,
  ContainerSpec,
  ContainerState,
  ContainerSummary,
  Labels,
  PortProtocol,
  PublishedPort,
  VolumeInfo,
} from "./types.ts";

export function toCreateOptions(spec: ContainerSpec): Dockerode.ContainerCreateOptions {
  const exposed: Record<string, object> = {};
  const bindings: Dockerode.PortMap = {};
  for (const port of spec.publish ?? []) {
    const key = `${port.containerPort}/${port.protocol ?? "tcp"}`;
    exposed[key] = {};
    (bindings[key] ??= []).push({ HostIp: port.hostIp ?? "", HostPort: port.hostPort ? String(port.hostPort) : "" });
  }
  return {
    name: spec.name,
    Image: spec.image,
    Cmd: spec.cmd,
    Entrypoint: spec.entrypoint,
    Env: spec.env ? Object.entries(spec.env).map(([key, value]) => `${key}=${value}`) : undefined,
    Labels: spec.labels,
    WorkingDir: spec.workingDir,
    User: spec.user,
    ExposedPorts: exposed,
    HostConfig: {
      Init: spec.init ?? false,
      Privileged: spec.privileged ?? false,
      PortBindings: bindings,
      Mounts: (spec.mounts ?? []).map((mount) => ({
        Type: mount.type,
        Source: mount.source ?? "",
        Target: mount.target,
        ReadOnly: mount.readOnly ?? false,
      })),
      Memory: spec.memoryBytes,
      NanoCpus: spec.cpus === undefined ? undefined : Math.round(spec.cpus * 1e9),
      PidsLimit: spec.pidsLimit,
      ...(spec.network ? { NetworkMode: spec.network } : {}),
    },
  };
}

const STATES: Record<string, ContainerState> = {
  created: "created",
  running: "running",
  paused: "paused",
  restarting: "restarting",
  removing: "removing",
  exited: "exited",
  dead: "dead",
  // Podman's own names, seen through its compat API.
  configured: "created",
  initialized: "created",
  stopping: "running",
  stopped: "exited",
};

export function toState(status: string | undefined): ContainerState {
  return STATES[(status ?? "").toLowerCase()] ?? "dead";
}

/** Docker's zero time means "never". */
function toTime(value: string | undefined): string | null {
  if (!value || value.startsWith("0001-01-01")) return null;
  return value;
}

export function toContainerInfo(raw: Dockerode.ContainerInspectInfo, dialHost: string): ContainerInfo {
  const state = toState(raw.State.Status);
  const exited = state === "exited" || state === "dead";
  return {
    id: raw.Id,
    name: raw.Name.replace(/^\//, ""),
    image: raw.Config.Image,
    state,
    exitCode: exited ? raw.State.ExitCode : null,
    oomKilled: raw.State.OOMKilled,
    error: raw.State.Error ? raw.State.Error : null,
    createdAt: raw.Created,
    startedAt: toTime(raw.State.StartedAt),
    finishedAt: toTime(raw.State.FinishedAt),
    labels: raw.Config.Labels ?? {},
    ports: toPublishedPorts(raw.NetworkSettings.Ports ?? {}, dialHost),
  };
}

const WILDCARDS = new Set(["", "0.0.0.0", "::"]);

/** One entry per container port: Docker lists a wildcard bind twice (0.0.0.0 and ::); IPv4 wins. */
function toPublishedPorts(ports: Dockerode.PortMap, dialHost: string): PublishedPort[] {
  const byKey = new Map<string, PublishedPort>();
  for (const [key, bindings] of Object.entries(ports)) {
    const [portText, protocolText] = key.split("/");
    const protocol: PortProtocol = protocolText === "udp" ? "udp" : "tcp";
    for (const binding of bindings ?? []) {
      const hostPort = Number(binding.HostPort);
      if (!Number.isInteger(hostPort) || hostPort <= 0) continue;
      const hostIp = binding.HostIp || "0.0.0.0";
      const existing = byKey.get(key);
      if (existing && !existing.hostIp.includes(":")) continue;
      const dial = WILDCARDS.has(binding.HostIp ?? "") ? dialHost : hostIp;
      byKey.set(key, {
        containerPort: Number(portText),
        protocol,
        hostIp,
        hostPort,
        address: `${dial.includes(":") && !dial.startsWith("[") ? `[${dial}]` : dial}:${hostPort}`,
      });
    }
  }
  return [...byKey.values()];
}

export function toSummary(raw: Dockerode.ContainerInfo): ContainerSummary {
  return {
    id: raw.Id,
    name: (raw.Names[0] ?? "").replace(/^\//, ""),
    image: raw.Image,
    state: toState(raw.State),
    labels: raw.Labels ?? {},
    createdAt: new Date(raw.Created * 1000).toISOString(),
  };
}

export function toVolumeInfo(raw: Dockerode.VolumeInspectInfo & { CreatedAt?: string }): VolumeInfo {
  return { name: raw.Name, labels: raw.Labels ?? {}, createdAt: raw.CreatedAt ?? null };
}

/** The Engine API's `filters` query for "has every one of these labels". */
export function labelFilters(labels: Labels): string {
  return JSON.stringify({ label: Object.entries(labels).map(([key, value]) => `${key}=${value}`) });
}
