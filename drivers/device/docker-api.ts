/**
 * Docker Engine API shapes for device containers: the `POST /containers/create` request a
 * `DeviceContainerSpec` becomes, and the ADB-relevant part of `GET /containers/{id}/json`.
 */
import type { DeviceContainerSpec } from "./types.ts";

export interface DockerMount {
  Type: "volume";
  Source: string;
  Target: string;
  VolumeOptions: { Labels: Record<string, string> };
}

export interface DockerPortBinding {
  HostIp: string;
  /** "" asks the engine for a free port. */
  HostPort: string;
}

export interface DockerContainerCreateBody {
  Image: string;
  Cmd: string[];
  Env: string[];
  Labels: Record<string, string>;
  ExposedPorts: Record<string, Record<string, never>>;
  HostConfig: {
    Privileged: boolean;
    Mounts: DockerMount[];
    PortBindings: Record<string, DockerPortBinding[]>;
    NetworkMode?: string;
    Memory?: number;
    NanoCpus?: number;
  };
  NetworkingConfig?: { EndpointsConfig: Record<string, Record<string, never>> };
}

export interface DockerCreateRequest {
  method: "POST";
  path: "/containers/create";
  /** The container name travels in the query string, not the body. */
  query: { name: string };
  body: DockerContainerCreateBody;
}

export function dockerCreateRequest(spec: DeviceContainerSpec, exposedPorts: readonly number[] = []): DockerCreateRequest {
  const portKeys = new Set([...exposedPorts.map((port) => `${port}/tcp`), ...spec.ports.map((p) => `${p.containerPort}/${p.protocol}`)]);
  const portBindings: Record<string, DockerPortBinding[]> = {};
  for (const port of spec.ports) {
    (portBindings[`${port.containerPort}/${port.protocol}`] ??= []).push({ HostIp: port.hostIp, HostPort: port.hostPort === 0 ? "" : String(port.hostPort) });
  }
  const body: DockerContainerCreateBody = {
    Image: spec.image,
    Cmd: [...spec.cmd],
    Env: Object.entries(spec.env).map(([key, value]) => `${key}=${value}`),
    Labels: { ...spec.labels },
    ExposedPorts: Object.fromEntries([...portKeys].map((key) => [key, {}])),
    HostConfig: {
      Privileged: spec.privileged,
      Mounts: spec.volumes.map((v) => ({ Type: "volume", Source: v.name, Target: v.target, VolumeOptions: { Labels: { ...v.labels } } })),
      PortBindings: portBindings,
      ...(spec.network !== undefined && { NetworkMode: spec.network }),
      ...(spec.resources?.memoryBytes !== undefined && { Memory: spec.resources.memoryBytes }),
      ...(spec.resources?.nanoCpus !== undefined && { NanoCpus: spec.resources.nanoCpus }),
    },
    ...(spec.network !== undefined && { NetworkingConfig: { EndpointsConfig: { [spec.network]: {} } } }),
  };
  return { method: "POST", path: "/containers/create", query: { name: spec.name }, body };
}

/** What provisioning needs to know about a started container. */
export interface DeviceContainerState {
  running: boolean;
  ports: ReadonlyArray<{ containerPort: number; protocol: string; hostIp: string; hostPort: number }>;
  networks: Readonly<Record<string, { ipAddress: string }>>;
}

/** The subset of Docker's inspect JSON read by `fromDockerInspect`. */
export interface DockerInspectSubset {
  State?: { Running?: boolean };
  NetworkSettings?: {
    Ports?: Record<string, Array<{ HostIp?: string; HostPort?: string }> | null>;
    Networks?: Record<string, { IPAddress?: string }>;
  };
}

export function fromDockerInspect(inspect: DockerInspectSubset): DeviceContainerState {
  const ports: DeviceContainerState["ports"][number][] = [];
  for (const [key, bindings] of Object.entries(inspect.NetworkSettings?.Ports ?? {})) {
    const [port, protocol = "tcp"] = key.split("/");
    for (const binding of bindings ?? []) {
      if (binding.HostPort) ports.push({ containerPort: Number(port), protocol, hostIp: binding.HostIp ?? "", hostPort: Number(binding.HostPort) });
    }
  }
  const networks: Record<string, { ipAddress: string }> = {};
  for (const [name, network] of Object.entries(inspect.NetworkSettings?.Networks ?? {})) {
    if (network.IPAddress) networks[name] = { ipAddress: network.IPAddress };
  }
  return { running: inspect.State?.Running ?? false, ports, networks };
}
