import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createUserWithKey } from "../support/factories.ts";
import { startTestPlatform, type TestPlatform } from "../support/harness.ts";
import { call, callJson, workspaceWithRoles } from "./workspace-helpers.ts";

/** Issue 13 item 1: workspaces and members as document 002 describes them, over REST and the typed client. */
let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform({ env: { CONTAINER_DRIVER: "simulator" } });
}, 120_000);
afterAll(() => t.stop());

type Member = { user_id: string; email: string; role: string };

describe("workspaces", () => {
  test("the creator is owner; each user lists only their own workspaces", async () => {
    const alice = await createUserWithKey(t);
    const bob = await createUserWithKey(t);
    const created = await callJson<{ id: string; name: string; role: string; auto_resume: boolean }>(t, alice, "POST", "/api/workspaces", { name: "  Team A  " }, 201);
    expect(created).toMatchObject({ name: "Team A", role: "owner", auto_resume: false });
    expect(created.id).toMatch(/^ws_/);
    expect((await callJson<{ workspaces: { id: string }[] }>(t, alice, "GET", "/api/workspaces")).workspaces.map((w) => w.id)).toEqual([created.id]);
    expect(await callJson(t, bob, "GET", "/api/workspaces")).toEqual({ workspaces: [] });
    expect((await call(t, bob, "GET", `/api/workspaces/${created.id}`)).status).toBe(404);
    const members = await callJson<{ members: Member[] }>(t, alice, "GET", `/api/workspaces/${created.id}/members`);
    expect(members.members).toEqual([expect.objectContaining({ user_id: alice.user.id, email: alice.user.email, role: "owner" })]);
  });

  test("the typed client reaches the same procedures", async () => {
    const carol = await createUserWithKey(t);
    const api = t.client(carol.key);
    const made = await api.workspaces.create.mutate({ name: "typed" });
    expect((await api.workspaces.get.query({ id: made.id })).role).toBe("owner");
    expect((await api.workspaces.list.query()).workspaces.map((w) => w.id)).toEqual([made.id]);
    expect((await api.sandboxes.list.query({ id: made.id })).sandboxes).toEqual([]);
  });

  test("bad bodies are 400 in the document's { error } shape", async () => {
    const dave = await createUserWithKey(t);
    const response = await call(t, dave, "POST", "/api/workspaces", { name: "" });
    expect(response.status).toBe(400);
    expect(Object.keys(await response.json())).toContain("error");
  });
});

describe("members", () => {
  test("added by e-mail or user id; an unknown e-mail is 404, a second add 409", async () => {
    const fx = await workspaceWithRoles(t);
    const newcomer = await createUserWithKey(t);
    expect((await call(t, fx.owner, "POST", `/api/workspaces/${fx.id}/members`, { email: "nobody@example.test", role: "viewer" })).status).toBe(404);
    const added = await callJson<Member>(t, fx.members.maintainer, "POST", `/api/workspaces/${fx.id}/members`, { email: newcomer.user.email.toUpperCase(), role: "developer" }, 201);
    expect(added).toMatchObject({ user_id: newcomer.user.id, role: "developer" });
    expect((await call(t, fx.owner, "POST", `/api/workspaces/${fx.id}/members`, { user_id: newcomer.user.id, role: "viewer" })).status).toBe(409);
    expect((await call(t, fx.owner, "POST", `/api/workspaces/${fx.id}/members`, { role: "viewer" })).status).toBe(400);
    // A maintainer may add members, but not make owners.
    const other = await createUserWithKey(t);
    expect((await call(t, fx.members.maintainer, "POST", `/api/workspaces/${fx.id}/members`, { user_id: other.user.id, role: "owner" })).status).toBe(403);
    // The newcomer now sees the workspace, in their role.
    expect(await callJson(t, newcomer, "GET", `/api/workspaces/${fx.id}`)).toMatchObject({ id: fx.id, role: "developer" });
  });

  test("the last owner cannot be demoted or leave (400); with a second owner both work", async () => {
    const fx = await workspaceWithRoles(t);
    const base = `/api/workspaces/${fx.id}/members`;
    const demote = await call(t, fx.owner, "PUT", `${base}/${fx.owner.user.id}`, { role: "maintainer" });
    expect(demote.status).toBe(400);
    expect(await demote.json()).toEqual({ error: "The last owner cannot be demoted; make another member owner first" });
    expect((await call(t, fx.owner, "DELETE", `${base}/${fx.owner.user.id}`)).status).toBe(400);
    await callJson(t, fx.owner, "PUT", `${base}/${fx.members.maintainer.user.id}`, { role: "owner" });
    await callJson(t, fx.owner, "PUT", `${base}/${fx.owner.user.id}`, { role: "developer" });
    // The new last owner is held to the same rule; the demoted one is now a developer.
    expect((await call(t, fx.members.maintainer, "DELETE", `${base}/${fx.members.maintainer.user.id}`)).status).toBe(400);
    expect((await call(t, fx.owner, "DELETE", `${base}/${fx.members.viewer.user.id}`)).status).toBe(403);
  });

  test("two owners demoting each other at once leave one owner", async () => {
    const fx = await workspaceWithRoles(t);
    const base = `/api/workspaces/${fx.id}/members`;
    await callJson(t, fx.owner, "PUT", `${base}/${fx.members.maintainer.user.id}`, { role: "owner" });
    const [a, b] = await Promise.all([
      call(t, fx.owner, "PUT", `${base}/${fx.members.maintainer.user.id}`, { role: "viewer" }),
      call(t, fx.members.maintainer, "PUT", `${base}/${fx.owner.user.id}`, { role: "viewer" }),
    ]);
    expect([a.status, b.status].filter((s) => s === 200)).toHaveLength(1);
    const members = await t.platform.services.db.query.workspaceMembers.findMany({ where: (m, { eq }) => eq(m.workspaceId, fx.id) });
    expect(members.filter((m) => m.role === "owner")).toHaveLength(1);
  });

  test("a member may leave; an owner removes others; a removed member gets 404", async () => {
    const fx = await workspaceWithRoles(t);
    const base = `/api/workspaces/${fx.id}/members`;
    expect(await callJson(t, fx.members.viewer, "DELETE", `${base}/${fx.members.viewer.user.id}`)).toEqual({ ok: true });
    expect((await call(t, fx.members.viewer, "GET", `/api/workspaces/${fx.id}`)).status).toBe(404);
    expect(await callJson(t, fx.owner, "DELETE", `${base}/${fx.members.developer.user.id}`)).toEqual({ ok: true });
    expect((await call(t, fx.members.developer, "GET", `/api/workspaces/${fx.id}/sandboxes`)).status).toBe(404);
    expect((await call(t, fx.owner, "DELETE", `${base}/${fx.members.developer.user.id}`)).status).toBe(404);
  });
});
