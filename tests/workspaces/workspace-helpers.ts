import { expect } from "bun:test";
import type { ContainerDriver } from "../../drivers/container/types.ts";
import { SANDBOX_LABELS } from "../../drivers/sandbox/index.ts";
import type { WorkspaceRoleName } from "../../db/schema/index.ts";
import { createUserWithKey } from "../support/factories.ts";
import type { TestPlatform } from "../support/harness.ts";

/** A user with an API key: `headers` carries it. */
export type Person = Awaited<ReturnType<typeof createUserWithKey>>;

export const ROLES: readonly WorkspaceRoleName[] = ["viewer", "developer", "maintainer", "owner"];

export interface WorkspaceFixture {
  id: string;
  owner: Person;
  /** One member in each role (the owner is `members.owner`), and someone outside. */
  members: Record<WorkspaceRoleName, Person>;
  outsider: Person;
}

export async function call(t: TestPlatform, who: Person, method: string, path: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = { ...who.headers };
  if (body !== undefined) headers["content-type"] = "application/json";
  return t.request(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}

export async function callJson<T = Record<string, unknown>>(t: TestPlatform, who: Person, method: string, path: string, body?: unknown, status = 200): Promise<T> {
  const response = await call(t, who, method, path, body);
  const text = await response.text();
  expect({ status: response.status, text }).toEqual({ status, text });
  return JSON.parse(text) as T;
}

/** A workspace made through the API, with four members in four roles (added through the API too) and an outsider. */
export async function workspaceWithRoles(t: TestPlatform, name = "team"): Promise<WorkspaceFixture> {
  const owner = await createUserWithKey(t);
  const created = await callJson<{ id: string; role: string }>(t, owner, "POST", "/api/workspaces", { name }, 201);
  const members = { owner } as Record<WorkspaceRoleName, Person>;
  for (const role of ["viewer", "developer", "maintainer"] as const) {
    const person = await createUserWithKey(t);
    await callJson(t, owner, "POST", `/api/workspaces/${created.id}/members`, { email: person.user.email, role }, 201);
    members[role] = person;
  }
  return { id: created.id, owner, members, outsider: await createUserWithKey(t) };
}

export interface SandboxBody {
  id: string;
  workspace_id: string;
  status: string;
  url: string;
  error: string | null;
  type: string;
  driver: string;
}

/** Polls the sandbox until `done` says so (the start and delete are queued jobs). */
export async function waitForSandbox(t: TestPlatform, who: Person, id: string, done: (s: SandboxBody) => boolean, timeoutMs = 60_000): Promise<SandboxBody> {
  const deadline = Date.now() + timeoutMs;
  let last: SandboxBody | undefined;
  while (Date.now() < deadline) {
    last = await callJson<SandboxBody>(t, who, "GET", `/api/sandboxes/${id}`);
    if (done(last)) return last;
    if (last.status === "error") throw new Error(`sandbox failed: ${last.error}`);
    await Bun.sleep(50);
  }
  throw new Error(`sandbox ${id} never got there; last: ${JSON.stringify(last)}`);
}

export async function runningSandbox(t: TestPlatform, who: Person, workspaceId: string, type: "opencode" | "openclaw" = "opencode", timeoutMs?: number): Promise<SandboxBody> {
  const created = await callJson<SandboxBody>(t, who, "POST", `/api/workspaces/${workspaceId}/sandboxes`, { name: `sbx-${type}`, type }, 201);
  expect(created.status).toBe("creating");
  return waitForSandbox(t, who, created.id, (s) => s.status === "running", timeoutMs);
}

/** What of a sandbox is on the engine: its containers' states and how many volumes it has. */
export async function sandboxOnEngine(engine: ContainerDriver, sandboxId: string): Promise<{ containers: string[]; volumes: number }> {
  return {
    containers: (await engine.listByLabel({ [SANDBOX_LABELS.sandbox]: sandboxId })).map((c) => c.state),
    volumes: (await engine.listVolumes({ [SANDBOX_LABELS.sandbox]: sandboxId })).length,
  };
}

/** Removes whatever a failed test left in a test platform's pool (its DEVICE_POOL is `test-<database id>`). */
export async function clearTestPool(engine: ContainerDriver, t: TestPlatform): Promise<void> {
  const pool = { [SANDBOX_LABELS.pool]: `test-${t.database.id}` };
  for (const c of await engine.listByLabel(pool).catch(() => [])) await engine.remove(c.id, { force: true, volumes: true }).catch(() => {});
  for (const v of await engine.listVolumes(pool).catch(() => [])) await engine.removeVolume(v.name).catch(() => {});
}
