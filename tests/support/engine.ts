import { DockerContainerDriver } from "../../drivers/container/docker.ts";

/** Built locally by scripts/engine/start.sh (no registry is reachable): static busybox, CMD /bin/sh. */
export const TEST_IMAGE = "localhost/agent-cloud/busybox:test";

let answer: Promise<string | undefined> | undefined;

/**
 * The DOCKER_HOST of a container engine that answers, else undefined. Tests opt in to the real
 * engine by setting DOCKER_HOST (`export "$(scripts/engine/start.sh)"`); a DOCKER_HOST that does not
 * answer is reported on stderr rather than silently ignored.
 */
export function engineDockerHost(): Promise<string | undefined> {
  answer ??= probe(process.env.DOCKER_HOST);
  return answer;
}

async function probe(dockerHost: string | undefined): Promise<string | undefined> {
  if (!dockerHost) return undefined;
  if (await new DockerContainerDriver({ dockerHost }).ping()) return dockerHost;
  console.warn(`tests: DOCKER_HOST=${dockerHost} does not answer; engine-backed tests are skipped`);
  return undefined;
}
