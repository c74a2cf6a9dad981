import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { collectRestRoutes, type RestRoute } from "../src/rest/routes.ts";
import { appRouter } from "../src/router.ts";

const ROOT = resolve(import.meta.dir, "..");
const DOMAINS = join(ROOT, "src/domains");

export interface RouteRow {
  method: string;
  path: string;
  surface: string;
  access: string;
  auth: string;
  procedure: string;
  /** Every file under src/domains whose text declares this method and path; exactly one when the tree is right. */
  files: string[];
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/**
 * The file is found by the documented text itself, `method: "GET", path: "/admin/bans"`, so the
 * table is right exactly when a plain search of src/domains finds the procedure.
 */
function declaringFiles(meta: RestRoute["meta"], sources: ReadonlyArray<{ file: string; text: string }>): string[] {
  const declaration = new RegExp(`method:\\s*"${escape(meta.method)}",\\s*path:\\s*"${escape(meta.path)}"`);
  return sources.filter((source) => declaration.test(source.text)).map((source) => source.file);
}

function accessOf(route: RestRoute): string {
  const access = (route.procedure._def as { meta?: { access?: unknown } }).meta?.access;
  return typeof access === "string" ? access : JSON.stringify(access);
}

export function routeTable(): RouteRow[] {
  const sources = sourceFiles(DOMAINS).map((path) => ({ file: relative(ROOT, path), text: readFileSync(path, "utf8") }));
  return collectRestRoutes(appRouter).map((route) => ({
    method: route.meta.method,
    path: route.meta.path,
    surface: route.meta.surface,
    access: accessOf(route),
    auth: route.meta.auth?.length ? route.meta.auth.join(",") : "public",
    procedure: route.procedurePath,
    files: declaringFiles(route.meta, sources),
  }));
}
