import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ContainerDriver } from "../../../drivers/container/types.ts";
import { AppError, messageOf } from "../../platform/errors.ts";
import { newId } from "../../platform/ids.ts";

export interface CommandSandbox {
  containers: ContainerDriver;
  image: string;
  timeoutS: number;
  memoryBytes: number;
  cpus: number;
}

const POLL_MS = 100;
const MAX_LOG_LINES = 200;
/** Every verifier container carries it, so an operator (or a later sweep) can find strays. */
export const VERIFY_LABEL = "agent-cloud.verify";

/** On the simulator there is no engine: a command verifier cannot run, and says so instead of pretending. */
export function assertCommandsRun(containers: ContainerDriver): void {
  if (containers.kind === "simulator") {
    throw new AppError(
      "BAD_REQUEST",
      "command verifiers need a container engine; this platform runs the simulator container driver (no engine), so they are refused — use json_schema, regex or contains",
    );
  }
}

/**
 * Runs `sh -c command` in a throwaway container: the output mounted read-only at /output/output
 * ($OUTPUT), no network, the configured memory, CPU and wall-time limits, at most 64 processes,
 * as user nobody. Exit 0 passes; the container's output becomes log lines. The container and the
 * output's temporary directory are removed whatever happens.
 */
export async function runCommandVerifier(sandbox: CommandSandbox, command: string, text: string, log: (line: string) => Promise<void>): Promise<boolean> {
  assertCommandsRun(sandbox.containers);
  const { containers } = sandbox;
  if (!(await containers.imageExists(sandbox.image))) {
    await log(`pulling ${sandbox.image}`);
    await containers.pullImage(sandbox.image);
  }
  const dir = await mkdtemp(join(tmpdir(), "agent-cloud-verify-"));
  let containerId: string | null = null;
  try {
    await writeFile(join(dir, "output"), text);
    // The process runs with umask 077; the container's user (nobody) must read the mount.
    await chmod(dir, 0o755);
    await chmod(join(dir, "output"), 0o644);
    const name = `verify-${newId("run").slice(4).toLowerCase()}`;
    ({ id: containerId } = await containers.create({
      name,
      image: sandbox.image,
      cmd: ["/bin/sh", "-c", command],
      env: { OUTPUT: "/output/output" },
      labels: { [VERIFY_LABEL]: "1" },
      workingDir: "/output",
      user: "65534:65534",
      init: true,
      mounts: [{ type: "bind", source: dir, target: "/output", readOnly: true }],
      memoryBytes: sandbox.memoryBytes,
      cpus: sandbox.cpus,
      pidsLimit: 64,
      network: "none",
    }));
    await log(`running the command in a throwaway container (no network, ${sandbox.memoryBytes >> 20} MiB, ${sandbox.cpus} CPU, ${sandbox.timeoutS} s)`);
    await containers.start(containerId);
    const deadline = Date.now() + sandbox.timeoutS * 1000;
    let info = await containers.inspect(containerId);
    while (info.state !== "exited" && info.state !== "dead" && Date.now() < deadline) {
      await Bun.sleep(POLL_MS);
      info = await containers.inspect(containerId);
    }
    const timedOut = info.state !== "exited" && info.state !== "dead";
    if (timedOut) await containers.stop(containerId, 0).catch(() => {});
    const output = await containers.logs(containerId).catch((error: unknown) => `(logs unavailable: ${messageOf(error)})`);
    const lines = output.split("\n").filter((line) => line.length > 0);
    for (const line of lines.slice(-MAX_LOG_LINES)) await log(`| ${line.slice(0, 2_000)}`);
    if (timedOut) {
      await log(`the command ran past ${sandbox.timeoutS} s and was stopped`);
      return false;
    }
    if (info.oomKilled) await log("the command ran out of memory");
    await log(`exit code ${info.exitCode}`);
    return info.exitCode === 0;
  } finally {
    if (containerId) await containers.remove(containerId, { force: true, volumes: true }).catch(() => {});
    await rm(dir, { recursive: true, force: true }).catch(() => {});
  }
}
