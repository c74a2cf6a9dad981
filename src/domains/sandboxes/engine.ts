import type { SandboxRow } from "../../../db/schema/index.ts";
import { isContainerError } from "../../../drivers/container/errors.ts";
import type { ContainerDriver } from "../../../drivers/container/types.ts";
import { SANDBOX_LABELS, sandboxVolumeName } from "../../../drivers/sandbox/index.ts";
import { AppError } from "../../platform/errors.ts";
import type { Services } from "../../platform/services.ts";

/** A container driver call as the platform sees it: a `ContainerError` becomes the `AppError` of the same code. */
export async function engineCall<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    throw isContainerError(error) ? new AppError(error.code, error.message) : error;
  }
}

const gone = (error: unknown) => isContainerError(error) && error.code === "NOT_FOUND";

/** Every container of a sandbox (found by its label, so one made by a crashed job is found too), removed. */
export async function removeSandboxContainers(containers: ContainerDriver, sandboxId: string): Promise<void> {
  for (const container of await containers.listByLabel({ [SANDBOX_LABELS.sandbox]: sandboxId })) {
    await containers.remove(container.id, { force: true, volumes: true }).catch((error: unknown) => {
      if (!gone(error)) throw error;
    });
  }
}

/** Containers, then the state volume: nothing of the sandbox is left on the engine. */
export async function destroySandboxResources(containers: ContainerDriver, sandbox: Pick<SandboxRow, "id" | "volumeName">): Promise<void> {
  await removeSandboxContainers(containers, sandbox.id);
  await containers.removeVolume(sandbox.volumeName ?? sandboxVolumeName(sandbox.id)).catch((error: unknown) => {
    if (!gone(error)) throw error;
  });
}

/** Labels every sandbox container and volume of this deployment carries (its pool). */
export function sandboxPoolLabels(services: Pick<Services, "config">): Record<string, string> {
  return { [SANDBOX_LABELS.pool]: services.config.devices.pool };
}
