import { and, asc, eq, inArray, ne, sql } from "drizzle-orm";
import { sandboxes, workspaces, type SandboxRow, type SandboxType } from "../../../db/schema/index.ts";
import { encryptSecret } from "../../platform/crypto.ts";
import { AppError } from "../../platform/errors.ts";
import type { Services } from "../../platform/services.ts";
import { authorize, type WorkspaceAction } from "../workspaces/index.ts";
import { destroySandboxResources, engineCall, removeSandboxContainers } from "./engine.ts";
import { DELETE_QUEUE, deleteJobKey, START_QUEUE, startJobKey } from "./lifecycle.ts";
import { bumpGeneration, findSandbox, moveSandbox, newSandboxId, subdomainUrl, toSandboxResponse } from "./records.ts";
import type { TSandbox } from "./sandboxes.types.ts";

export function sandboxUrl(services: Pick<Services, "config" | "baseUrl">, row: Pick<SandboxRow, "id" | "type">): string {
  return subdomainUrl(row, services.config.sandboxes.baseDomain, services.baseUrl());
}

export function renderSandbox(services: Pick<Services, "config" | "baseUrl">, row: SandboxRow): TSandbox {
  return toSandboxResponse(row, (r) => sandboxUrl(services, r));
}

/** The sandbox, if the user may do `action` on it; a non-member's (or an unknown) id is 404, a lower role 403. */
export async function requireSandbox(services: Pick<Services, "db">, input: { userId: string; sandboxId: string; action: WorkspaceAction }): Promise<SandboxRow> {
  const row = await findSandbox(services.db, input.sandboxId);
  if (!row) throw new AppError("NOT_FOUND", "Sandbox not found");
  await authorize(services.db, { workspaceId: row.workspaceId, userId: input.userId, action: input.action, notFound: "Sandbox not found" });
  return row;
}

export async function listSandboxes(services: Pick<Services, "db">, input: { userId: string; workspaceId: string }): Promise<SandboxRow[]> {
  await authorize(services.db, { workspaceId: input.workspaceId, userId: input.userId, action: "sandboxes.list" });
  return services.db
    .select()
    .from(sandboxes)
    .where(and(eq(sandboxes.workspaceId, input.workspaceId), ne(sandboxes.status, "deleted")))
    .orderBy(asc(sandboxes.createdAt), asc(sandboxes.id));
}

function newSecret(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString("base64url");
}

/**
 * A cloud sandbox: the row (status `creating`, its program's secret encrypted) and its start job,
 * in one transaction; the job makes the container. Over SANDBOX_CAPACITY, or with the type's
 * image missing from the engine, 503.
 */
export async function createSandbox(
  services: Services,
  input: { userId: string; workspaceId: string; name: string; type: SandboxType },
): Promise<SandboxRow> {
  const { db, containers, config } = services;
  await authorize(db, { workspaceId: input.workspaceId, userId: input.userId, action: "sandboxes.create" });
  const image = config.sandboxes.images[input.type];
  if (containers.kind !== "simulator" && !(await engineCall(containers.imageExists(image)).catch(() => false))) {
    throw new AppError(
      "UNAVAILABLE",
      `The ${input.type} sandbox image ${image} is not on the container engine (build it with scripts/engine/build-sandbox-images.sh), or the engine is not reachable`,
      undefined,
      { "retry-after": "30" },
    );
  }
  const id = newSandboxId();
  const secretEncrypted = await encryptSecret(services.signingSecret, newSecret());
  const row = await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('sandboxes:capacity'))`);
    const [live] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(sandboxes)
      .where(and(eq(sandboxes.kind, "cloud"), inArray(sandboxes.status, ["creating", "running"])));
    if ((live?.n ?? 0) >= config.sandboxes.capacity) {
      throw new AppError("UNAVAILABLE", `No sandbox capacity: SANDBOX_CAPACITY (${config.sandboxes.capacity}) sandboxes are running`, undefined, { "retry-after": "30" });
    }
    const [inserted] = await tx
      .insert(sandboxes)
      .values({ id, workspaceId: input.workspaceId, name: input.name, type: input.type, kind: "cloud", status: "creating", driver: containers.kind, secretEncrypted, createdBy: input.userId })
      .returning();
    await services.queue.enqueue({ queue: START_QUEUE, key: startJobKey(id, 1), payload: { sandboxId: id, generation: 1 }, maxAttempts: 3 }, tx);
    return inserted;
  });
  if (!row) throw new AppError("INTERNAL", "sandbox insert returned nothing");
  services.queue.wake(START_QUEUE);
  return row;
}

export async function getSandbox(services: Pick<Services, "db">, input: { userId: string; sandboxId: string }): Promise<SandboxRow> {
  return requireSandbox(services, { ...input, action: "sandboxes.get" });
}

/** `deleting` now (its proxy token dead at once), then the delete job removes container and volume and marks it `deleted`. */
export async function deleteSandbox(services: Services, input: { userId: string; sandboxId: string }): Promise<SandboxRow> {
  const row = await requireSandbox(services, { ...input, action: "sandboxes.delete" });
  if (row.status === "deleting" || row.status === "deleted") return row;
  const deleting = await moveSandbox(services, row.id, { status: "deleting", address: null });
  if (!deleting) return (await findSandbox(services.db, row.id)) ?? row;
  await services.modules.sandboxes.proxyTokens.revoke(services.db, row.id);
  await services.queue.enqueue({ queue: DELETE_QUEUE, key: deleteJobKey(row.id), payload: { sandboxId: row.id }, maxAttempts: 10 });
  return deleting;
}

function cloudOnly(row: SandboxRow): void {
  if (row.kind !== "cloud") throw new AppError("BAD_REQUEST", "Pause and resume are for cloud sandboxes only");
}

/** `running` → `paused`: its proxy token revoked, its container removed; the volume (its state) stays. */
export async function pauseSandbox(services: Services, input: { userId: string; sandboxId: string }): Promise<SandboxRow> {
  const row = await requireSandbox(services, { ...input, action: "sandboxes.pause" });
  cloudOnly(row);
  if (row.status === "paused") return row;
  const paused = await pauseRow(services, row.id);
  if (!paused) throw new AppError("CONFLICT", `The sandbox is ${row.status}; only a running sandbox can be paused`);
  return paused;
}

/** The pause itself (a request's, or the reconciler's for an idle sandbox); null when it was not running. */
export async function pauseRow(services: Services, sandboxId: string): Promise<SandboxRow | null> {
  const paused = await moveSandbox(services, sandboxId, { status: "paused", pausedAt: new Date(), address: null }, { from: ["running"] });
  if (!paused) return null;
  await services.modules.sandboxes.proxyTokens.revoke(services.db, sandboxId);
  await engineCall(removeSandboxContainers(services.containers, sandboxId));
  return paused;
}

/** How long a resume request waits for the sandbox to run before answering with its current state. */
const RESUME_WAIT_SLACK_MS = 15_000;
/** Below Bun's longest idle timeout (255 s, what a `longRunning` procedure gets): the answer must come before it. */
const RESUME_WAIT_MAX_MS = 240_000;

/**
 * `paused` → `running`: a new start (the generation goes up, naming its job) makes the container
 * again on the same volume with a fresh proxy token; the request waits for the program's readiness.
 */
export async function resumeSandbox(services: Services, input: { userId: string; sandboxId: string; signal?: AbortSignal }): Promise<SandboxRow> {
  const row = await requireSandbox(services, { ...input, action: "sandboxes.resume" });
  cloudOnly(row);
  if (row.status === "running") return row;
  const resumed = await restart(services, row, input.signal);
  if (!resumed) throw new AppError("CONFLICT", `The sandbox is ${row.status}; only a paused sandbox can be resumed`);
  return resumed;
}

/**
 * The subdomain proxy's resume of a paused sandbox: only when its workspace has auto_resume (any
 * member reaching it counts as activity); null otherwise, and the proxy answers 409.
 */
export async function resumeSandboxFor(services: Services, row: SandboxRow, signal?: AbortSignal): Promise<SandboxRow | null> {
  const [workspace] = await services.db.select({ autoResume: workspaces.autoResume }).from(workspaces).where(eq(workspaces.id, row.workspaceId)).limit(1);
  if (!workspace?.autoResume || row.kind !== "cloud") return null;
  return restart(services, row, signal);
}

/** Queues a paused sandbox's next start and waits for it; null when it was not paused. */
async function restart(services: Services, row: SandboxRow, signal?: AbortSignal): Promise<SandboxRow | null> {
  const bumped = await bumpGeneration(services.db, row.id);
  if (!bumped) return null;
  const { generation } = bumped;
  await services.queue.enqueue({ queue: START_QUEUE, key: startJobKey(row.id, generation), payload: { sandboxId: row.id, generation }, maxAttempts: 3 });
  const budgetMs = Math.min(services.config.sandboxes.readyTimeoutS * 1000 + RESUME_WAIT_SLACK_MS, RESUME_WAIT_MAX_MS);
  return waitWhileStarting(services, row.id, generation, budgetMs, signal);
}

async function waitWhileStarting(services: Services, sandboxId: string, generation: number, budgetMs: number, signal?: AbortSignal): Promise<SandboxRow> {
  const deadline = Date.now() + budgetMs;
  for (;;) {
    const row = await findSandbox(services.db, sandboxId);
    if (!row) throw new AppError("NOT_FOUND", "Sandbox not found");
    // A later resume may have taken over (a higher generation): its start is this one's too.
    const starting = row.generation >= generation && (row.status === "paused" || row.status === "creating");
    if (!starting || Date.now() > deadline || signal?.aborted) return row;
    await Bun.sleep(100);
  }
}

/** Before a workspace goes: each sandbox `deleting`, its token revoked, its containers and volume removed, then `deleted`. */
export async function destroyWorkspaceSandboxes(services: Services, workspaceId: string): Promise<void> {
  const rows = await services.db.select().from(sandboxes).where(and(eq(sandboxes.workspaceId, workspaceId), ne(sandboxes.status, "deleted")));
  for (const row of rows) {
    await moveSandbox(services, row.id, { status: "deleting", address: null });
    await services.modules.sandboxes.proxyTokens.revoke(services.db, row.id);
    await engineCall(destroySandboxResources(services.containers, row));
    await moveSandbox(services, row.id, { status: "deleted", deletedAt: new Date(), containerId: null });
  }
}

