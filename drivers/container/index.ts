import { DockerContainerDriver } from "./docker.ts";
import { WELL_KNOWN_HOSTS } from "./docker-host.ts";
import { SimulatorContainerDriver } from "./simulator.ts";
import type { ContainerDriver, DriverLogger } from "./types.ts";

export type * from "./types.ts";
export { DockerContainerDriver } from "./docker.ts";
export { SimulatorContainerDriver } from "./simulator.ts";
export { ContainerError, isContainerError, type ContainerErrorCode } from "./errors.ts";

export type ContainerDriverMode = "auto" | "docker" | "simulator";

export interface ContainerDriverOptions {
  /** DOCKER_HOST: `unix:///path`, a socket path or `tcp://host:port`. Unset: the well-known sockets are tried. */
  dockerHost?: string;
  /** auto (default): the engine if one answers, else the simulator. docker: the engine, never the simulator. */
  mode?: ContainerDriverMode;
  logger: DriverLogger;
}

/** The one place that chooses a container driver. */
export async function createContainerDriver(options: ContainerDriverOptions): Promise<ContainerDriver> {
  const mode = options.mode ?? "auto";
  const log = options.logger.child({ component: "container-driver" });
  if (mode === "simulator") {
    log.info("container driver: simulator (mode=simulator); containers are simulated in memory, nothing runs");
    return new SimulatorContainerDriver();
  }

  const candidates = options.dockerHost ? [options.dockerHost] : [...WELL_KNOWN_HOSTS];
  for (const dockerHost of candidates) {
    const driver = new DockerContainerDriver({ dockerHost });
    if (await driver.ping()) {
      const engine = await driver.describeEngine().catch(() => "unknown engine");
      log.info(`container driver: docker (${engine} at ${driver.endpoint.url})`, { mode, engine, dockerHost: driver.endpoint.url });
      return driver;
    }
  }

  if (mode === "docker") {
    const dockerHost = candidates[0] ?? WELL_KNOWN_HOSTS[0];
    log.error(`container driver: docker, but no engine answers at ${candidates.join(", ")}; calls fail with UNAVAILABLE until it does`, {
      mode,
      dockerHost,
    });
    return new DockerContainerDriver({ dockerHost });
  }

  log.warn(
    `CONTAINER DRIVER: SIMULATOR. No container engine answered at ${candidates.join(", ")}, so containers ` +
      "are simulated in memory: nothing runs, exec returns simulated: true. Start one with " +
      "scripts/engine/install.sh && scripts/engine/start.sh and set DOCKER_HOST.",
    { mode, tried: candidates },
  );
  return new SimulatorContainerDriver();
}
