import { and, eq, inArray, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/connection.ts";
import { sandboxes, workspaceMembers, type SandboxRow, type SandboxStatus, type WorkspaceRoleName } from "../../../db/schema/index.ts";
import { sandboxProgram } from "../../../drivers/sandbox/index.ts";
import { ID_PREFIX } from "../../platform/ids.ts";
import type { TSandbox } from "./sandboxes.types.ts";

/**
 * The sandbox state machine, in one place: which status each may move to. Every change is a
 * conditional UPDATE from the statuses that allow it (`transition`), so racing requests, jobs and
 * the reconciler cannot skip a step. A resume keeps `paused` until the container answers, then
 * moves to `running`.
 */
export const SANDBOX_TRANSITIONS: Readonly<Record<SandboxStatus, readonly SandboxStatus[]>> = {
  creating: ["running", "deleting", "error"],
  running: ["paused", "deleting", "error"],
  paused: ["running", "deleting", "error"],
  error: ["deleting"],
  deleting: ["deleted"],
  deleted: [],
};

/** The statuses a sandbox may move to `to` from. */
export function fromStatuses(to: SandboxStatus): SandboxStatus[] {
  return (Object.keys(SANDBOX_TRANSITIONS) as SandboxStatus[]).filter((from) => SANDBOX_TRANSITIONS[from].includes(to));
}

const LOWER = "0123456789abcdefghijklmnopqrstuvwxyz";

/**
 * `sbx_` + 20 lower-case letters and digits (~103 bits): host names are case-insensitive, so the
 * id must survive a browser lower-casing its subdomain.
 */
export function newSandboxId(): string {
  let out = "";
  while (out.length < 20) {
    for (const byte of crypto.getRandomValues(new Uint8Array(32))) {
      if (byte >= 252) continue;
      out += LOWER.charAt(byte % 36);
      if (out.length === 20) break;
    }
  }
  return `${ID_PREFIX.sandbox}_${out}`;
}

/** The id as a DNS label (`sbx_abc` → `sbx-abc`), and back. */
export const hostLabelOf = (sandboxId: string) => sandboxId.replace("_", "-");
export function sandboxIdOfLabel(label: string): string | null {
  const match = /^sbx-([0-9a-z]{20})$/.exec(label);
  return match ? `${ID_PREFIX.sandbox}_${match[1]}` : null;
}

export async function findSandbox(db: DbOrTx, id: string): Promise<SandboxRow | null> {
  const [row] = await db.select().from(sandboxes).where(eq(sandboxes.id, id)).limit(1);
  return row ?? null;
}

/** A sandbox and the user's role in its workspace (null: not a member), in one query. */
export async function findSandboxWithRole(db: DbOrTx, id: string, userId: string): Promise<{ row: SandboxRow; role: WorkspaceRoleName | null } | null> {
  const [found] = await db
    .select({ row: sandboxes, role: workspaceMembers.role })
    .from(sandboxes)
    .leftJoin(workspaceMembers, and(eq(workspaceMembers.workspaceId, sandboxes.workspaceId), eq(workspaceMembers.userId, userId)))
    .where(eq(sandboxes.id, id))
    .limit(1);
  return found ? { row: found.row, role: found.role ?? null } : null;
}

/** Moves a sandbox to `patch.status` only from a status the table allows (and, when given, at `generation`). */
export async function transition(
  db: DbOrTx,
  id: string,
  patch: Partial<SandboxRow> & { status: SandboxStatus },
  options: { from?: readonly SandboxStatus[]; generation?: number } = {},
): Promise<SandboxRow | null> {
  const from = options.from ?? fromStatuses(patch.status);
  const [row] = await db
    .update(sandboxes)
    .set(patch)
    .where(
      and(
        eq(sandboxes.id, id),
        inArray(sandboxes.status, [...from]),
        options.generation === undefined ? undefined : eq(sandboxes.generation, options.generation),
      ),
    )
    .returning();
  return row ?? null;
}

/** `transition`, then the proxy's cached lookups of the sandbox dropped (here and on every replica). */
export async function moveSandbox(
  services: { db: DbOrTx; modules: { sandboxes: { routes: { invalidate(keysOrTags: string[]): Promise<void> } } } },
  id: string,
  patch: Partial<SandboxRow> & { status: SandboxStatus },
  options: { from?: readonly SandboxStatus[]; generation?: number } = {},
): Promise<SandboxRow | null> {
  const row = await transition(services.db, id, patch, options);
  if (row) await services.modules.sandboxes.routes.invalidate([id]);
  return row;
}

/** A paused sandbox's next start: its generation goes up, which names the start job. */
export async function bumpGeneration(db: DbOrTx, id: string): Promise<SandboxRow | null> {
  const [row] = await db
    .update(sandboxes)
    .set({ generation: sql`${sandboxes.generation} + 1`, errorReason: null })
    .where(and(eq(sandboxes.id, id), eq(sandboxes.status, "paused")))
    .returning();
  return row ?? null;
}

/** `http://oc-sbx-….BASE_DOMAIN:PORT`: scheme and port from the platform's public URL. */
export function subdomainUrl(row: Pick<SandboxRow, "id" | "type">, baseDomain: string, baseUrl: string): string {
  const base = new URL(baseUrl);
  const port = base.port ? `:${base.port}` : "";
  return `${base.protocol}//${sandboxProgram(row.type).subdomain}-${hostLabelOf(row.id)}.${baseDomain}${port}`;
}

export function toSandboxResponse(row: SandboxRow, urlOf: (row: SandboxRow) => string): TSandbox {
  return {
    id: row.id,
    workspace_id: row.workspaceId,
    name: row.name,
    type: row.type,
    kind: row.kind,
    status: row.status,
    error: row.errorReason,
    url: urlOf(row),
    driver: row.driver,
    created_at: row.createdAt,
    running_at: row.runningAt,
    paused_at: row.pausedAt,
    deleted_at: row.deletedAt,
  };
}

/** Activity (a proxied request, a command): the idle pause counts from here. */
export async function touchSandbox(db: DbOrTx, sandboxId: string): Promise<void> {
  await db.update(sandboxes).set({ lastActivityAt: new Date() }).where(eq(sandboxes.id, sandboxId));
}
