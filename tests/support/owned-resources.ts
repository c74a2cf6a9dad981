import { createApiKey } from "../../src/auth/api-keys.ts";
import { createEvalRun } from "../../src/domains/skills/service.ts";
import { syncSkills } from "../../src/domains/skills/sync.ts";
import { createUserWithKey } from "./factories.ts";
import type { TestPlatform } from "./harness.ts";
import { freshIp } from "./identity-helpers.ts";
import { ownedJob } from "../market/jobs-owned.ts";
import type { OwnedResource, OwnedResourceTable, Owner } from "./route-access.ts";

/**
 * The owned-resource table of the real app router: for each owner-scoped procedure, how to make a
 * resource of the owner and the input that names it. A new owner-scoped procedure needs a row here
 * (tests/security/route-access.test.ts fails until it has one).
 */

const marker = (label: string) => `${label}-${crypto.randomUUID().slice(0, 8)}`;

/** One live session per owner, shared by every session route (one active session per user). */
const sessions = new Map<string, Promise<{ id: string; marks: string[] }>>();

function ownerSession(t: TestPlatform, owner: Owner) {
  let made = sessions.get(owner.userId);
  if (!made) {
    made = startSession(t, owner);
    sessions.set(owner.userId, made);
  }
  return made;
}

async function startSession(t: TestPlatform, owner: Owner): Promise<{ id: string; marks: string[] }> {
  const headers = { ...owner.headers, "x-forwarded-for": freshIp("198.19") };
  const created = await t.request("/api/sessions", { method: "POST", headers });
  if (created.status !== 201) throw new Error(`owner's session: ${created.status} ${await created.text()}`);
  const { id } = (await created.json()) as { id: string };
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const session = (await (await t.request(`/api/sessions/${id}`, { headers })).json()) as {
      status: string;
      device: { container_id: string | null } | null;
    };
    if (session.status === "active") return { id, marks: session.device?.container_id ? [session.device.container_id] : [] };
    if (session.status === "ended" || session.status === "error") throw new Error(`owner's session ended: ${JSON.stringify(session)}`);
    await Bun.sleep(50);
  }
  throw new Error("owner's session never became active");
}

function onSession(extra: Record<string, unknown> = {}) {
  return async ({ t, owner }: { t: TestPlatform; owner: Owner }): Promise<OwnedResource> => {
    const session = await ownerSession(t, owner);
    return { input: { id: session.id, ...extra }, marks: session.marks };
  };
}

/** A skill of the owner whose description is a marker no one else may see. */
async function ownerSkill(t: TestPlatform, owner: Owner) {
  const name = marker("owned-skill");
  const description = marker("owned-description");
  const { db, blobs } = t.platform.services;
  const files = new Map([["SKILL.md", new TextEncoder().encode(`# ${name}\n${description}\n`)]]);
  await syncSkills({ db, blobs, userId: owner.userId, sessionId: null, skills: [{ name, files }] });
  return { name, description };
}

/** One workspace per owner (made through the API, so the owner is its owner), shared by the workspace routes. */
const workspaces = new Map<string, Promise<{ id: string; name: string }>>();

function ownerWorkspace(t: TestPlatform, owner: Owner, fresh = false) {
  let made = fresh ? undefined : workspaces.get(owner.userId);
  if (!made) {
    made = makeWorkspace(t, owner);
    if (!fresh) workspaces.set(owner.userId, made);
  }
  return made;
}

async function makeWorkspace(t: TestPlatform, owner: Owner): Promise<{ id: string; name: string }> {
  const name = marker("owned-workspace");
  const created = await t.request("/api/workspaces", { method: "POST", headers: { ...owner.headers, "content-type": "application/json" }, body: JSON.stringify({ name }) });
  if (created.status !== 201) throw new Error(`owner's workspace: ${created.status} ${await created.text()}`);
  return { id: ((await created.json()) as { id: string }).id, name };
}

/** One running (simulated) sandbox per owner, shared by the sandbox routes (its DELETE runs last). */
const sandboxes = new Map<string, Promise<{ id: string; marks: string[] }>>();

function ownerSandbox(t: TestPlatform, owner: Owner) {
  let made = sandboxes.get(owner.userId);
  if (!made) {
    made = makeSandbox(t, owner);
    sandboxes.set(owner.userId, made);
  }
  return made;
}

async function makeSandbox(t: TestPlatform, owner: Owner): Promise<{ id: string; marks: string[] }> {
  const workspace = await ownerWorkspace(t, owner);
  const name = marker("owned-sandbox");
  const headers = { ...owner.headers, "content-type": "application/json" };
  const created = await t.request(`/api/workspaces/${workspace.id}/sandboxes`, { method: "POST", headers, body: JSON.stringify({ name, type: "opencode" }) });
  if (created.status !== 201) throw new Error(`owner's sandbox: ${created.status} ${await created.text()}`);
  const { id } = (await created.json()) as { id: string };
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const sandbox = (await (await t.request(`/api/sandboxes/${id}`, { headers })).json()) as { status: string };
    if (sandbox.status === "running") return { id, marks: [name, workspace.name] };
    if (sandbox.status === "error") throw new Error(`owner's sandbox failed: ${JSON.stringify(sandbox)}`);
    await Bun.sleep(50);
  }
  throw new Error("owner's sandbox never ran");
}

/** Another member of the owner's workspace, for the member routes. */
async function ownerMember(t: TestPlatform, owner: Owner): Promise<{ workspaceId: string; userId: string; marks: string[] }> {
  const workspace = await ownerWorkspace(t, owner);
  const member = await createUserWithKey(t);
  const added = await t.request(`/api/workspaces/${workspace.id}/members`, {
    method: "POST",
    headers: { ...owner.headers, "content-type": "application/json" },
    body: JSON.stringify({ user_id: member.user.id, role: "viewer" }),
  });
  if (added.status !== 201) throw new Error(`owner's member: ${added.status} ${await added.text()}`);
  return { workspaceId: workspace.id, userId: member.user.id, marks: [workspace.name, member.user.email] };
}

function onWorkspace(extra: Record<string, unknown> = {}) {
  return async ({ t, owner }: { t: TestPlatform; owner: Owner }): Promise<OwnedResource> => {
    const workspace = await ownerWorkspace(t, owner);
    return { input: { id: workspace.id, ...extra }, marks: [workspace.name] };
  };
}

function onSandbox(extra: Record<string, unknown> = {}) {
  return async ({ t, owner }: { t: TestPlatform; owner: Owner }): Promise<OwnedResource> => {
    const sandbox = await ownerSandbox(t, owner);
    return { input: { id: sandbox.id, ...extra }, marks: sandbox.marks };
  };
}

export const ownedResources: OwnedResourceTable = {
  "jobs.get": ownedJob("open"),
  "jobs.logs": ownedJob("open"),
  "jobs.pay": ownedJob("pending"),
  "jobs.cancel": ownedJob("open"),
  "jobs.accept": ownedJob("held"),
  "jobs.reject": ownedJob("held"),
  "jobs.fail": ownedJob("accepted"),
  "jobs.submit": ownedJob("accepted", { output: "x marks the spot" }),
  "workspaces.get": onWorkspace(),
  // Its own workspace: the owner's deletion would otherwise end the one the other routes share.
  "workspaces.delete": async ({ t, owner }) => {
    const workspace = await ownerWorkspace(t, owner, true);
    return { input: { id: workspace.id }, marks: [workspace.name] };
  },
  "workspaces.listMembers": onWorkspace(),
  "workspaces.addMember": async ({ t, owner }) => {
    const workspace = await ownerWorkspace(t, owner);
    const someone = await createUserWithKey(t);
    return { input: { id: workspace.id, user_id: someone.user.id, role: "viewer" }, marks: [workspace.name] };
  },
  "workspaces.updateMember": async ({ t, owner }) => {
    const member = await ownerMember(t, owner);
    return { input: { id: member.workspaceId, userId: member.userId, role: "developer" }, marks: member.marks };
  },
  "workspaces.removeMember": async ({ t, owner }) => {
    const member = await ownerMember(t, owner);
    return { input: { id: member.workspaceId, userId: member.userId }, marks: member.marks };
  },
  "sandboxes.list": onWorkspace(),
  "sandboxes.create": onWorkspace({ name: "from-someone", type: "opencode" }),
  "sandboxes.get": onSandbox(),
  "sandboxes.pause": onSandbox(),
  "sandboxes.resume": onSandbox(),
  "sandboxes.exec": onSandbox({ command: "true" }),
  "sandboxes.readFile": onSandbox({ path: "/etc/hostname" }),
  "sandboxes.writeFile": onSandbox({ path: "/tmp/owned", content_base64: "eA==" }),
  "sandboxes.delete": onSandbox(),
  "apiKeys.revoke": async ({ t, owner }) => {
    const name = marker("owned-key");
    const { summary } = await createApiKey(t.platform.services.db, { userId: owner.userId, name });
    return { input: { id: summary.id }, marks: [name] };
  },
  "sessions.get": onSession(),
  "sessions.events": onSession(),
  "sessions.screenshot": onSession(),
  "sessions.shell": onSession({ command: "echo owned" }),
  "sessions.tap": onSession({ x: 1, y: 1 }),
  "sessions.swipe": onSession({ x1: 1, y1: 1, x2: 2, y2: 2 }),
  "sessions.text": onSession({ text: "owned" }),
  "sessions.keyevent": onSession({ key: "KEYCODE_HOME" }),
  "sessions.install": onSession({ apk_base64: "UEsDBBQAAAAIAA==" }),
  "sessions.push": onSession({ path: "/sdcard/owned.txt", content_base64: "b3duZWQ=" }),
  // The owner's own call ends the shared session; the owner's later gateway calls are 409s.
  "sessions.end": onSession(),
  "skills.get": async ({ t, owner }) => {
    const skill = await ownerSkill(t, owner);
    return { input: { name: skill.name }, marks: [skill.description] };
  },
  "skills.share": async ({ t, owner }) => {
    const skill = await ownerSkill(t, owner);
    return { input: { name: skill.name }, marks: [skill.description] };
  },
  "skills.createEvalRun": async ({ t, owner }) => {
    const skill = await ownerSkill(t, owner);
    return { input: { name: skill.name, notes: "from someone" }, marks: [skill.description] };
  },
  "skills.updateEvalRun": async ({ t, owner }) => {
    const skill = await ownerSkill(t, owner);
    const notes = marker("owned-notes");
    const run = await createEvalRun({ db: t.platform.services.db, userId: owner.userId, name: skill.name, status: "queued", notes });
    return { input: { id: run.id, status: "running" }, marks: [notes, skill.name] };
  },
};
