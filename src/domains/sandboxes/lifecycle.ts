import { eq } from "drizzle-orm";
import { sandboxes, type SandboxRow } from "../../../db/schema/index.ts";
import { SANDBOX_LABELS, sandboxProgram, sandboxVolumeName } from "../../../drivers/sandbox/index.ts";
import { decryptSecret } from "../../platform/crypto.ts";
import { AppError } from "../../platform/errors.ts";
import type { Services } from "../../platform/services.ts";
import { destroySandboxResources, engineCall, removeSandboxContainers } from "./engine.ts";
import { findSandbox, moveSandbox } from "./records.ts";

export const START_QUEUE = "sandboxes.start";
export const DELETE_QUEUE = "sandboxes.delete";

export const startJobKey = (sandboxId: string, generation: number) => `${sandboxId}:${generation}`;
export const deleteJobKey = (sandboxId: string) => `${sandboxId}:delete`;

export async function sandboxSecret(services: Pick<Services, "signingSecret">, row: Pick<SandboxRow, "secretEncrypted">): Promise<string> {
  return new TextDecoder().decode(await decryptSecret(services.signingSecret, row.secretEncrypted));
}

/** The platform's Anthropic proxy as a container reaches it. */
export function anthropicBaseUrlForContainers(services: Pick<Services, "config" | "baseUrl">): string {
  const configured = services.config.sandboxes.platformUrl;
  const url = new URL(configured ?? services.baseUrl());
  if (!configured && (url.hostname === "127.0.0.1" || url.hostname === "localhost" || url.hostname === "0.0.0.0")) {
    url.hostname = "host.containers.internal";
  }
  return `${url.origin}/proxy/anthropic`;
}

const READY_POLL_MS = 250;

/**
 * Brings a sandbox at `generation` from `creating` (first start) or `paused` (a resume) to
 * `running`: the state volume, the container (made once, found again by its label after a
 * crash, with a fresh proxy token only when it is made), start, the program's own readiness check.
 * Every step is idempotent, so a retried job picks up where the last one stopped. Returns false
 * when the sandbox moved on meanwhile (deleted, paused, a newer start).
 */
export async function startSandbox(services: Services, sandboxId: string, generation: number, signal: AbortSignal): Promise<boolean> {
  const { containers, db, config } = services;
  const row = await findSandbox(db, sandboxId);
  if (!row || row.generation !== generation || (row.status !== "creating" && row.status !== "paused")) return false;
  const program = sandboxProgram(row.type);
  const image = config.sandboxes.images[row.type];
  const labels = { [SANDBOX_LABELS.sandbox]: row.id, [SANDBOX_LABELS.workspace]: row.workspaceId, [SANDBOX_LABELS.pool]: config.devices.pool };
  const volumeName = sandboxVolumeName(row.id);
  await engineCall(containers.createVolume({ name: volumeName, labels }));
  if (containers.kind === "simulator" && !(await containers.imageExists(image))) await containers.pullImage(image);
  const secret = await sandboxSecret(services, row);

  let containerId = (await containers.listByLabel({ [SANDBOX_LABELS.sandbox]: row.id }))[0]?.id;
  if (!containerId) {
    const proxyToken = await services.modules.sandboxes.proxyTokens.issue(db, { sandboxId: row.id, workspaceId: row.workspaceId });
    const spec = program.spec(
      { sandboxId: row.id, workspaceId: row.workspaceId, secret, proxyToken, anthropicBaseUrl: anthropicBaseUrlForContainers(services) },
      { image, pool: config.devices.pool },
    );
    containerId = (await engineCall(containers.create(spec))).id;
  }
  await db.update(sandboxes).set({ containerId, volumeName }).where(eq(sandboxes.id, row.id));
  await engineCall(containers.start(containerId));
  const info = await engineCall(containers.inspect(containerId));
  const address = info.ports.find((port) => port.containerPort === program.port)?.address;
  if (!address) throw new AppError("BAD_GATEWAY", `the sandbox container publishes no port ${program.port}`);

  // The simulator runs nothing: there is no program to ask, and the sandbox is simulated.
  if (containers.kind !== "simulator") {
    const deadline = Date.now() + config.sandboxes.readyTimeoutS * 1000;
    for (;;) {
      if (signal.aborted) throw signal.reason;
      if (await program.ready(address, secret, signal)) break;
      const state = await engineCall(containers.inspect(containerId));
      if (state.state !== "running") {
        const logs = await containers.logs(containerId, { tail: 5 }).catch(() => "");
        throw new AppError("BAD_GATEWAY", `the ${row.type} program exited (code ${state.exitCode ?? "?"}) before it was ready${logs ? `: ${logs.trim().slice(-300)}` : ""}`);
      }
      if (Date.now() > deadline) throw new AppError("UNAVAILABLE", `the ${row.type} program did not answer its readiness check within ${config.sandboxes.readyTimeoutS} s`);
      await Bun.sleep(READY_POLL_MS);
    }
  }
  const now = new Date();
  const running = await moveSandbox(
    services,
    row.id,
    { status: "running", address, containerId, runningAt: now, lastActivityAt: now, errorReason: null },
    { from: ["creating", "paused"], generation },
  );
  if (!running) {
    // Deleted or paused while starting: what this start made is not wanted.
    const now = await findSandbox(db, row.id);
    if (!now || now.status === "deleting" || now.status === "deleted" || now.status === "paused") await removeSandboxContainers(containers, row.id);
    return false;
  }
  return true;
}

/**
 * A start that gave up: `error` with the reason, its container removed. A first start's volume
 * goes too (nothing ever ran on it); a resume's volume holds the sandbox's state and stays until
 * the sandbox is deleted.
 */
export async function failSandbox(services: Services, sandboxId: string, reason: string, generation?: number): Promise<void> {
  const failed = await moveSandbox(services, sandboxId, { status: "error", errorReason: reason, address: null }, { from: ["creating", "paused"], generation });
  if (!failed) return;
  await services.modules.sandboxes.proxyTokens.revoke(services.db, sandboxId).catch(() => {});
  const cleanup = failed.generation === 1 ? destroySandboxResources(services.containers, failed) : removeSandboxContainers(services.containers, sandboxId);
  await cleanup.catch((error: unknown) =>
    services.logger.warn("could not remove a failed sandbox's container; the reconciler will retry", { sandboxId, error: String(error) }),
  );
}

/** The delete job: containers and volume gone, then `deleted`. */
export async function finishDelete(services: Services, sandboxId: string): Promise<void> {
  const row = await findSandbox(services.db, sandboxId);
  if (!row || row.status !== "deleting") return;
  await services.modules.sandboxes.proxyTokens.revoke(services.db, sandboxId);
  await engineCall(destroySandboxResources(services.containers, row));
  await moveSandbox(services, sandboxId, { status: "deleted", deletedAt: new Date(), address: null, containerId: null });
}
