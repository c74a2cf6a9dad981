import type { ContainerDriver } from "../../../drivers/container/types.ts";
import { AppError } from "../../platform/errors.ts";
import { engineCall } from "./driver-errors.ts";
import { skillsFromTarball, type SkillFiles } from "../skills/index.ts";

/** Where the agent keeps its workspace on the device: the session's data volume. */
export const WORKSPACE_DIR = "/data/workspace";

/**
 * The workspace's `skills/` folder, read out of the running device as a tarball. Exec output is
 * text, so the archive travels base64-encoded (toybox and busybox both have tar and base64).
 */
export async function readWorkspaceSkills(containers: ContainerDriver, containerId: string): Promise<SkillFiles[]> {
  const result = await engineCall(
    containers.exec(
      containerId,
      ["sh", "-c", `if [ -d ${WORKSPACE_DIR}/skills ]; then cd ${WORKSPACE_DIR} && tar -cf - skills | base64; fi`],
      { timeoutMs: 60_000 },
    ),
  );
  if (result.simulated) return [];
  if (result.timedOut || result.exitCode !== 0) {
    throw new AppError("BAD_GATEWAY", `Reading the workspace failed (exit ${result.exitCode ?? "timeout"}): ${result.stderr.trim().slice(0, 200)}`);
  }
  const encoded = result.stdout.replace(/\s+/g, "");
  if (encoded === "") return [];
  return skillsFromTarball(new Uint8Array(Buffer.from(encoded, "base64")));
}
