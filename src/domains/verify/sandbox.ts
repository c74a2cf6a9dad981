import type { JobsConfig } from "../../config/jobs.ts";
import type { ContainerDriver } from "../../../drivers/container/types.ts";
import type { CommandSandbox } from "./command.ts";

/** The command verifier's sandbox from the platform's container driver and the VERIFY_* settings. */
export function commandSandbox(containers: ContainerDriver, config: JobsConfig["verifier"]): CommandSandbox {
  return { containers, image: config.image, timeoutS: config.timeoutS, memoryBytes: config.memoryBytes, cpus: config.cpus };
}
