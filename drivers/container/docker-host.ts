import { ContainerError } from "./errors.ts";

/** Where an engine listens, parsed from a DOCKER_HOST value. */
export type EngineEndpoint =
  | { transport: "unix"; socketPath: string; url: string; dialHost: string }
  | { transport: "tcp"; host: string; port: number; url: string; dialHost: string };

/** Tried in order when no DOCKER_HOST is configured: Docker's socket, then the one scripts/engine/start.sh uses. */
export const WELL_KNOWN_HOSTS = [
  "unix:///var/run/docker.sock",
  "unix:///run/agent-cloud/podman.sock",
  "unix:///run/podman/podman.sock",
] as const;

/** Accepts `unix:///path`, a bare socket path, `tcp://host[:port]` or `http://host[:port]` (TLS is not supported). */
export function parseDockerHost(value: string): EngineEndpoint {
  const trimmed = value.trim();
  if (trimmed.startsWith("/")) return unixEndpoint(trimmed);
  if (trimmed.startsWith("unix://")) {
    const path = trimmed.slice("unix://".length);
    if (path.startsWith("/")) return unixEndpoint(path);
  }
  const tcp = /^(?:tcp|http):\/\/(\[[^\]]+\]|[^:/]+)(?::(\d+))?\/?$/.exec(trimmed);
  if (tcp?.[1]) {
    const host = tcp[1];
    const port = tcp[2] ? Number(tcp[2]) : 2375;
    return { transport: "tcp", host, port, url: `tcp://${host}:${port}`, dialHost: host };
  }
  throw new ContainerError(
    "BAD_REQUEST",
    `DOCKER_HOST must be unix:///path/to/socket, a socket path or tcp://host:port; got "${value}"`,
  );
}

function unixEndpoint(socketPath: string): EngineEndpoint {
  // Published ports of a local engine are dialled on loopback.
  return { transport: "unix", socketPath, url: `unix://${socketPath}`, dialHost: "127.0.0.1" };
}
