import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { AnyProcedure } from "@trpc/server";
import type { WorkspaceRoleName } from "../../db/schema/index.ts";
import { WORKSPACE_ACTIONS, roleAtLeast, type WorkspaceAction } from "../../src/domains/workspaces/index.ts";
import { appRouter } from "../../src/router.ts";
import { collectRestRoutes } from "../../src/rest/routes.ts";
import type { ProcedureMeta } from "../../src/trpc/meta.ts";
import { createUserWithKey } from "../support/factories.ts";
import { startTestPlatform, type TestPlatform } from "../support/harness.ts";
import { call, callJson, runningSandbox, ROLES, workspaceWithRoles, type Person, type WorkspaceFixture } from "./workspace-helpers.ts";

/**
 * Issue 13 item 1: one table (WORKSPACE_ACTIONS: action → minimum role) decides every
 * workspace-scoped route. Each route is called by a member in each of the four roles and by a
 * non-member: at or above the role it is served, below it 403, outside the workspace 404.
 */
let t: TestPlatform;
beforeAll(async () => {
  t = await startTestPlatform({ env: { CONTAINER_DRIVER: "simulator", SANDBOX_CAPACITY: "1000" } });
}, 120_000);
afterAll(() => t.stop());

const routes = new Map(collectRestRoutes(appRouter).map((route) => [route.procedurePath, route]));
const procedures = appRouter._def.procedures as unknown as Record<string, AnyProcedure>;
const workspaceScoped = Object.entries(procedures).filter(([, p]) => typeof (p._def.meta as ProcedureMeta | undefined)?.access === "object");

test("every workspace-scoped procedure is a row of the table, with the role its meta declares", () => {
  const declared = Object.fromEntries(workspaceScoped.map(([path, p]) => [path, ((p._def.meta as ProcedureMeta).access as { workspace: string }).workspace]));
  const table = Object.fromEntries(Object.entries(WORKSPACE_ACTIONS).filter(([action]) => action !== "sandboxes.proxy"));
  expect(declared).toEqual(table);
});

/** The input each action is called with, made fresh for every caller (so one caller's success does not change the next one's call). */
type InputFor = (fx: WorkspaceFixture, sandboxId: string) => Promise<Record<string, unknown>>;
const target = async (fx: WorkspaceFixture) => {
  const person = await createUserWithKey(t);
  await callJson(t, fx.owner, "POST", `/api/workspaces/${fx.id}/members`, { user_id: person.user.id, role: "viewer" }, 201);
  return person.user.id;
};
const INPUTS: Record<Exclude<WorkspaceAction, "sandboxes.proxy">, InputFor> = {
  "workspaces.get": async (fx) => ({ id: fx.id }),
  "workspaces.delete": async (fx) => ({ id: fx.id }),
  "workspaces.listMembers": async (fx) => ({ id: fx.id }),
  "workspaces.addMember": async (fx) => ({ id: fx.id, user_id: (await createUserWithKey(t)).user.id, role: "viewer" }),
  "workspaces.updateMember": async (fx) => ({ id: fx.id, userId: await target(fx), role: "developer" }),
  "workspaces.removeMember": async (fx) => ({ id: fx.id, userId: await target(fx) }),
  "sandboxes.list": async (fx) => ({ id: fx.id }),
  "sandboxes.create": async (fx) => ({ id: fx.id, name: "made", type: "opencode" }),
  "sandboxes.get": async (_fx, id) => ({ id }),
  "sandboxes.delete": async (_fx, id) => ({ id }),
  "sandboxes.pause": async (_fx, id) => ({ id }),
  "sandboxes.resume": async (_fx, id) => ({ id }),
  "sandboxes.exec": async (_fx, id) => ({ id, command: "true" }),
  "sandboxes.readFile": async (_fx, id) => ({ id, path: "/etc/hostname" }),
  "sandboxes.writeFile": async (_fx, id) => ({ id, path: "/tmp/x", content_base64: "eA==" }),
};

async function callAction(action: keyof typeof INPUTS, who: Person, input: Record<string, unknown>): Promise<Response> {
  const route = routes.get(action);
  if (!route) throw new Error(`${action} has no REST route`);
  const rest = { ...input };
  const path = route.routerPath.replace(/:(\w+)/g, (_, name: string) => {
    const value = String(rest[name]);
    delete rest[name];
    return encodeURIComponent(value);
  });
  if (route.takesBody) return call(t, who, route.meta.method, path, rest);
  const query = Object.keys(rest).length ? `?${new URLSearchParams(Object.entries(rest).map(([k, v]) => [k, String(v)]))}` : "";
  return call(t, who, route.meta.method, `${path}${query}`);
}

describe("each workspace route, each role and a non-member", () => {
  for (const [action, minimum] of Object.entries(WORKSPACE_ACTIONS) as [WorkspaceAction, WorkspaceRoleName][]) {
    if (action === "sandboxes.proxy") continue;
    test(`${action} (${minimum}+)`, async () => {
      const fx = await workspaceWithRoles(t);
      const sandbox = action.startsWith("sandboxes.") ? await runningSandbox(t, fx.owner, fx.id) : undefined;
      if (action === "sandboxes.resume" && sandbox) await callJson(t, fx.owner, "POST", `/api/sandboxes/${sandbox.id}/pause`);
      const seen: Record<string, number | "served"> = {};
      const wanted: Record<string, number | "served"> = {};
      // Lowest first: a destructive action (delete) is then done by the first role allowed to.
      const callers: [string, Person][] = [["non-member", fx.outsider], ...ROLES.map((role) => [role, fx.members[role]] as [string, Person])];
      for (const [name, who] of callers) {
        const response = await callAction(action as keyof typeof INPUTS, who, await INPUTS[action as keyof typeof INPUTS](fx, sandbox?.id ?? ""));
        const body = await response.text();
        if (name === "non-member") {
          wanted[name] = 404;
          seen[name] = response.status;
          expect(body).not.toContain(fx.owner.user.email);
        } else if (!roleAtLeast(name as WorkspaceRoleName, minimum)) {
          wanted[name] = 403;
          seen[name] = response.status;
        } else {
          wanted[name] = "served";
          // Served: a success, or for exec/files on the simulator 503 ("nothing runs"), never a refusal.
          seen[name] = response.status < 300 || (response.status === 503 && /simulated/.test(body)) ? "served" : response.status;
          if (seen[name] !== "served") console.error(action, name, response.status, body);
        }
      }
      expect(seen).toEqual(wanted);
    }, 60_000);
  }
});

test("a workspace answers 404 to a non-member on every route, as for an unknown id", async () => {
  const fx = await workspaceWithRoles(t);
  const unknown = await call(t, fx.members.viewer, "GET", `/api/workspaces/ws_${"0".repeat(20)}`);
  const outsider = await call(t, fx.outsider, "GET", `/api/workspaces/${fx.id}`);
  expect([unknown.status, outsider.status]).toEqual([404, 404]);
  expect(await outsider.json()).toEqual({ error: "Workspace not found" });
});
