import type { AnyProcedure, AnyRouter } from "@trpc/server";
import type { Access, ProcedureMeta, WorkspaceRole } from "./meta.ts";
import { adminProcedure, authedProcedure } from "./procedures.ts";

/**
 * Start-up's check of every procedure's access declaration (`meta.access`). Base procedures set
 * no default on purpose: tRPC merges `.meta()` shallowly, so an inherited "user" would silently
 * cover a route that is really owner-scoped. What a base procedure contributes is what it
 * enforces, read from its middleware chain, and a declaration must be one that base enforces.
 */

/** What a procedure's base enforces before its own code runs. */
export type Guard = "public" | "signed-in" | "admin";

interface ProcedureDef {
  middlewares: readonly unknown[];
  meta?: Partial<ProcedureMeta>;
}

const defOf = (procedure: { _def: unknown }) => procedure._def as ProcedureDef;

function startsWith(chain: readonly unknown[], prefix: readonly unknown[]): boolean {
  return prefix.length <= chain.length && prefix.every((middleware, i) => chain[i] === middleware);
}

/** A procedure built on `adminProcedure` (or `authedProcedure`) carries its whole middleware chain first. */
export function guardOf(procedure: AnyProcedure): Guard {
  const chain = defOf(procedure).middlewares;
  if (startsWith(chain, defOf(adminProcedure).middlewares)) return "admin";
  if (startsWith(chain, defOf(authedProcedure).middlewares)) return "signed-in";
  return "public";
}

const WORKSPACE_ROLES: readonly WorkspaceRole[] = ["viewer", "developer", "maintainer", "owner"];

function isAccess(value: unknown): value is Access {
  if (value === "public" || value === "user" || value === "owner" || value === "admin") return true;
  if (typeof value !== "object" || value === null) return false;
  const role = (value as { workspace?: unknown }).workspace;
  return Object.keys(value).length === 1 && WORKSPACE_ROLES.includes(role as WorkspaceRole);
}

/** The declarations each guard enforces: a public base cannot back "admin", nor a signed-in one "public". */
function enforcedBy(guard: Guard, access: Access): boolean {
  if (guard === "admin") return access === "admin";
  if (guard === "signed-in") return access === "user" || access === "owner" || typeof access === "object";
  return access === "public";
}

/** Every procedure whose declaration is missing, malformed, or not enforced by its base; empty when all are sound. */
export function accessProblems(router: AnyRouter): string[] {
  const problems: string[] = [];
  const procedures = router._def.procedures as Record<string, AnyProcedure>;
  for (const [path, procedure] of Object.entries(procedures)) {
    const meta = defOf(procedure).meta;
    const access = meta?.access;
    const guard = guardOf(procedure);
    if (access === undefined) {
      problems.push(`${path}: declares no access in its meta (public, user, owner, admin or { workspace: role })`);
    } else if (!isAccess(access)) {
      problems.push(`${path}: declares an unknown access ${JSON.stringify(access)}`);
    } else if (!enforcedBy(guard, access)) {
      problems.push(`${path}: declares access ${JSON.stringify(access)} but its base procedure is ${guard}`);
    } else if (access !== "public" && meta?.rest && !meta.rest.auth?.length) {
      problems.push(`${path}: needs a principal but its REST meta lists no auth scheme (the OpenAPI document would call it public)`);
    }
  }
  return problems;
}

/** Throws, naming every offending procedure, unless each one declares an access its base enforces. */
export function assertAccessDeclared(router: AnyRouter): void {
  const problems = accessProblems(router);
  if (problems.length > 0) throw new Error(`Procedure access declarations:\n  ${problems.join("\n  ")}`);
}
