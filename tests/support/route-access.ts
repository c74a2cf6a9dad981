import type { AnyProcedure, AnyRouter } from "@trpc/server";
import type { Access, ProcedureMeta } from "../../src/trpc/meta.ts";
import { collectRestRoutes } from "../../src/rest/routes.ts";
import { accessProblems } from "../../src/trpc/access.ts";
import { createUserWithKey, uniqueEmail } from "./factories.ts";
import type { TestPlatform } from "./harness.ts";
import { freshIp, magicLinkFlow, resetSignupThrottle } from "./identity-helpers.ts";
import { createSecretLedger } from "./secret-ledger.ts";

/**
 * "Every route, every principal": each procedure of a router is called over HTTP (its REST route,
 * or /trpc when it has none) as anonymous, with a revoked API key, as another ordinary user and as
 * an admin, and the answer is held against the access the procedure declares (src/trpc/meta.ts).
 * Owner-scoped procedures are called on a resource of a third user, made by `OwnedResourceTable`;
 * an owner procedure missing from the table is itself a violation.
 */

/** A signed-in user whose resources the other principals try to reach. */
export interface Owner {
  userId: string;
  email: string;
  headers: Record<string, string>;
}

/** A resource of the owner: the whole input naming it (path parameters included), and text that would show it leaked. */
export interface OwnedResource {
  input: Record<string, unknown>;
  /** Besides the owner's user id and e-mail, which are always looked for. */
  marks?: string[];
}

export type OwnedResourceFactory = (context: { t: TestPlatform; owner: Owner }) => Promise<OwnedResource>;
/** Procedure path → how to make the owner's resource it acts on. */
export type OwnedResourceTable = Record<string, OwnedResourceFactory>;

/** Environment the platform under check needs: per-request client addresses, simulated devices, an admin address. */
export function routeCheckEnv(adminEmail: string): Record<string, string> {
  return { TRUSTED_PROXIES: "127.0.0.1", CONTAINER_DRIVER: "simulator", ADMIN_EMAILS: adminEmail };
}

type PrincipalName = "anonymous" | "revoked key" | "another user" | "admin" | "owner";

interface Caller {
  name: PrincipalName;
  headers: Record<string, string>;
}

interface Reply {
  status: number;
  body: string;
}

/** One procedure as a caller reaches it. */
export interface Endpoint {
  procedurePath: string;
  /** `GET /api/sessions/:id`, or `tRPC query sessions.list`. */
  label: string;
  access: Access | undefined;
  call(t: TestPlatform, caller: Caller, input: Record<string, unknown>): Promise<Reply>;
}

function accessOf(procedure: AnyProcedure): Access | undefined {
  return (procedure._def.meta as Partial<ProcedureMeta> | undefined)?.access;
}

/** Every procedure of the router: REST routes, then the tRPC-only procedures. */
export function endpointsOf(router: AnyRouter): Endpoint[] {
  const endpoints: Endpoint[] = [];
  const restPaths = new Set<string>();
  for (const route of collectRestRoutes(router)) {
    restPaths.add(route.procedurePath);
    const { method, sseEventField } = route.meta;
    const streams = route.type === "subscription" || sseEventField !== undefined;
    endpoints.push({
      procedurePath: route.procedurePath,
      label: `${method} ${route.routerPath}`,
      access: accessOf(route.procedure),
      call: (t, caller, input) => {
        const rest = { ...input };
        const path = route.routerPath.replace(/:(\w+)/g, (_, name: string) => {
          const value = rest[name] ?? "x";
          delete rest[name];
          return encodeURIComponent(String(value));
        });
        const headers: Record<string, string> = { ...caller.headers };
        let url = path;
        let body: string | undefined;
        if (route.takesBody) {
          headers["content-type"] = "application/json";
          body = JSON.stringify(rest);
        } else if (Object.keys(rest).length > 0) {
          url += `?${new URLSearchParams(Object.entries(rest).map(([k, v]) => [k, String(v)]))}`;
        }
        return send(t, url, { method, headers, body }, streams ? "rest" : false);
      },
    });
  }
  const procedures = router._def.procedures as Record<string, AnyProcedure>;
  for (const [procedurePath, procedure] of Object.entries(procedures)) {
    if (restPaths.has(procedurePath)) continue;
    const type = (procedure._def as { type: "query" | "mutation" | "subscription" }).type;
    endpoints.push({
      procedurePath,
      label: `tRPC ${type} ${procedurePath}`,
      access: accessOf(procedure),
      call: (t, caller, input) => {
        const encoded = JSON.stringify({ json: input });
        if (type === "mutation") {
          const headers = { ...caller.headers, "content-type": "application/json" };
          return send(t, `/trpc/${procedurePath}`, { method: "POST", headers, body: encoded }, false);
        }
        return send(t, `/trpc/${procedurePath}?input=${encodeURIComponent(encoded)}`, { headers: caller.headers }, type === "subscription" ? "trpc" : false);
      },
    });
  }
  // DELETE routes last: the owner's own deletion would otherwise end a resource other routes share.
  return endpoints.sort((a, b) => Number(a.label.startsWith("DELETE ")) - Number(b.label.startsWith("DELETE ")));
}

/**
 * A REST stream's answer is its status (the adapter fails before streaming), and a 2xx stream is
 * cancelled unread. A tRPC subscription always answers 200: its first event says how it went.
 */
async function send(t: TestPlatform, path: string, init: RequestInit, streams: "rest" | "trpc" | false): Promise<Reply> {
  const headers = { ...(init.headers as Record<string, string>), "x-forwarded-for": freshIp("198.19") };
  const controller = new AbortController();
  const response = await t.request(path, { ...init, headers, signal: controller.signal });
  if (!streams || !response.ok) return { status: response.status, body: await response.text() };
  try {
    return streams === "trpc" ? await firstTrpcEvent(response) : { status: response.status, body: "" };
  } finally {
    controller.abort();
  }
}

const FIRST_EVENT_WITHIN_MS = 2_000;

/** The first event after `connected`: a `serialized-error` carries its HTTP status; data is a 200. */
async function firstTrpcEvent(response: Response): Promise<Reply> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const deadline = Date.now() + FIRST_EVENT_WITHIN_MS;
  let buffer = "";
  while (Date.now() < deadline) {
    const chunk = await Promise.race([reader.read(), Bun.sleep(deadline - Date.now()).then(() => null)]);
    if (!chunk || chunk.done) break;
    buffer += decoder.decode(chunk.value, { stream: true });
    for (let cut = buffer.indexOf("\n\n"); cut >= 0; cut = buffer.indexOf("\n\n")) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const event = /^event: (.*)$/m.exec(block)?.[1] ?? "message";
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (data === undefined || event === "connected" || event === "ping") continue;
      if (event !== "serialized-error") return { status: 200, body: data };
      const status = (JSON.parse(data) as { json?: { data?: { httpStatus?: number } } }).json?.data?.httpStatus ?? 500;
      return { status, body: data };
    }
  }
  return { status: 200, body: "" };
}

interface Principals {
  owner: Owner;
  callers: Caller[];
}

/** The five principals, signed in through the real routes (the admin by ADMIN_EMAILS and a magic link). */
async function preparePrincipals(t: TestPlatform, adminEmail: string): Promise<Principals> {
  const owner = await createUserWithKey(t);
  const revoked = await createUserWithKey(t);
  // A key may revoke itself: the real path, then the key is dead.
  await t.client(revoked.key).apiKeys.revoke.mutate({ id: revoked.keyId });
  await resetSignupThrottle(t);
  const flow = magicLinkFlow(createSecretLedger(), (path, init) => t.request(path, init));
  const other = await flow.signIn(uniqueEmail("route-other"));
  const admin = await flow.signIn(adminEmail);
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  return {
    owner: { userId: owner.user.id, email: owner.user.email, headers: owner.headers },
    callers: [
      { name: "anonymous", headers: {} },
      { name: "revoked key", headers: bearer(revoked.key) },
      { name: "another user", headers: bearer(other.access_token) },
      { name: "admin", headers: bearer(admin.access_token) },
    ],
  };
}

const isOwnerScoped = (access: Access | undefined) => access === "owner" || (typeof access === "object" && access !== null);

/** What `caller` must get from a route declaring `access`; null when the answer is right. */
function judge(access: Access, caller: PrincipalName, status: number): string | null {
  const denied = status === 401 || status === 403;
  if (status === 500) return `got 500`;
  if (access === "public") return denied ? `public route answered ${status}` : null;
  if (caller === "anonymous" || caller === "revoked key") return status === 401 ? null : `expected 401, got ${status}`;
  if (caller === "owner") return denied || status === 404 ? `the owner's own call answered ${status}: is the table's resource right?` : null;
  if (access === "admin") {
    if (caller === "another user") return status === 403 ? null : `expected 403, got ${status}`;
    return denied ? `admin answered ${status}` : null;
  }
  if (access === "user") return denied ? `signed-in caller answered ${status}` : null;
  // Owner or workspace scoped, called on the owner's resource by someone else: indistinguishable from unknown.
  return status === 404 ? null : `expected 404 on the owner's resource, got ${status}`;
}

export interface RouteAccessCheck {
  endpoints: Endpoint[];
  /** Declarations start-up would refuse, and owner routes the table does not cover (or stale table rows). */
  staticProblems: string[];
  /** Signs the principals in; call once the platform runs. */
  prepare(t: TestPlatform, adminEmail: string): Promise<void>;
  /** Every violation of one endpoint, as readable lines. */
  check(endpoint: Endpoint): Promise<string[]>;
  /** `staticProblems` and the violations of every endpoint. */
  checkAll(): Promise<string[]>;
}

export function routeAccessCheck(router: AnyRouter, table: OwnedResourceTable): RouteAccessCheck {
  const endpoints = endpointsOf(router);
  const staticProblems = accessProblems(router);
  for (const endpoint of endpoints) {
    if (isOwnerScoped(endpoint.access) && !table[endpoint.procedurePath]) {
      staticProblems.push(`${endpoint.procedurePath}: owner-scoped, but the owned-resource table has no row making its resource`);
    }
  }
  const known = new Set(endpoints.map((e) => e.procedurePath));
  for (const path of Object.keys(table)) if (!known.has(path)) staticProblems.push(`owned-resource table row ${path} names no procedure`);

  let t: TestPlatform | undefined;
  let principals: Principals | undefined;
  return {
    endpoints,
    staticProblems,
    async prepare(platform, adminEmail) {
      t = platform;
      principals = await preparePrincipals(platform, adminEmail);
    },
    async check(endpoint) {
      if (!t || !principals) throw new Error("routeAccessCheck: prepare() first");
      const { access } = endpoint;
      if (access === undefined) return [`${endpoint.procedurePath}: no access declaration`];
      const { owner, callers } = principals;
      const factory = table[endpoint.procedurePath];
      const resource = isOwnerScoped(access) && factory ? await factory({ t, owner }) : undefined;
      const input = resource?.input ?? {};
      const marks = [owner.userId, owner.email, ...(resource?.marks ?? [])];
      const violations: string[] = [];
      const run = [...callers, ...(resource ? [{ name: "owner" as const, headers: owner.headers }] : [])];
      for (const caller of run) {
        const reply = await endpoint.call(t, caller, input);
        const wrong = judge(access, caller.name, reply.status);
        if (wrong) violations.push(`${endpoint.procedurePath} (${endpoint.label}) as ${caller.name}: ${wrong}`);
        // Nobody but the owner sees the owner's data (admins may, on admin routes: the audit log).
        const maySee = caller.name === "owner" || (caller.name === "admin" && access === "admin");
        const leaked = maySee ? undefined : marks.find((mark) => reply.body.includes(mark));
        if (leaked) violations.push(`${endpoint.procedurePath} (${endpoint.label}) as ${caller.name}: the owner's data (${leaked.slice(0, 24)}) is in the answer`);
      }
      return violations;
    },
    async checkAll() {
      const all = [...staticProblems];
      for (const endpoint of endpoints) all.push(...(await this.check(endpoint)));
      return all;
    },
  };
}
