/**
 * The import rule: every file under src/, db/, drivers/ and client/ sits in one layer, and an import
 * may only point to its own layer or one below. Within a layer imports are fine, cycles are not.
 * A domain reaches another domain only through that domain's index.ts or module.ts.
 *
 * The scan is a plain function over a root folder, so the test runs it on the tree and on a fixture
 * tree with deliberate violations.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

/**
 * Top to bottom. A file takes the first layer whose test matches its path (relative to the root).
 * - trpc/ sits below domains/: a domain's procedures are chains on trpc's procedure kit
 *   (`authedProcedure.meta(...)`), so the kit cannot know any domain.
 * - src/router.ts lists every domain's router; rest/ and app.ts take it from above.
 * - src/platform/services.ts is the bag compose fills (to be split into domain modules): it names
 *   auth's types, and auth takes explicit pieces rather than the bag.
 */
export const LAYERS: ReadonlyArray<{ name: string; matches: (path: string) => boolean }> = [
  { name: "entry", matches: (p) => ["src/server.ts", "src/start.ts", "db/migrate-cli.ts"].includes(p) || p.startsWith("client/") },
  { name: "compose", matches: (p) => p === "src/compose.ts" },
  { name: "app", matches: (p) => p === "src/app.ts" },
  { name: "rest", matches: (p) => p.startsWith("src/rest/") },
  { name: "router", matches: (p) => p === "src/router.ts" },
  { name: "domains", matches: (p) => p.startsWith("src/domains/") },
  { name: "trpc", matches: (p) => p.startsWith("src/trpc/") },
  { name: "surfaces", matches: (p) => p.startsWith("src/surfaces/") },
  { name: "services", matches: (p) => p === "src/platform/services.ts" },
  { name: "auth", matches: (p) => p.startsWith("src/auth/") },
  { name: "platform", matches: (p) => p.startsWith("src/platform/") },
  { name: "db", matches: (p) => p.startsWith("db/") },
  { name: "drivers", matches: (p) => p.startsWith("drivers/") },
  { name: "config", matches: (p) => p.startsWith("src/config/") },
];

export const SCANNED_FOLDERS = ["src", "db", "drivers", "client"];

/** Strings are kept (a specifier is one), comments dropped (one may quote an import). */
const STRINGS_OR_COMMENTS = /("(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|`(?:\\.|[^`\\])*`)|\/\/[^\n]*|\/\*[\s\S]*?\*\//g;
const SPECIFIERS = [
  // import … from "x", import type … from "x", export … from "x" (across lines)
  /(?:^|[;}\s])(?:import|export)\s[^;"'`]*?\bfrom\s*(["'])([^"'\n]+)\1/g,
  // import "x"
  /(?:^|[;}\s])import\s*(["'])([^"'\n]+)\1/g,
  // import("x") and require("x") with a literal
  /\b(?:import|require)\s*\(\s*(["'])([^"'\n]+)\1\s*\)/g,
];

export function importSpecifiers(source: string): string[] {
  const code = source.replace(STRINGS_OR_COMMENTS, (_match, string: string | undefined) => string ?? "");
  const found = new Set<string>();
  for (const pattern of SPECIFIERS) for (const match of code.matchAll(pattern)) found.add(match[2] as string);
  return [...found];
}

export function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" ? [] : sourceFiles(path);
    return /\.(?:ts|tsx|mts|cts)$/.test(entry.name) && !entry.name.endsWith(".d.ts") ? [path] : [];
  });
}

/** Every relative import of every scanned file, as root-relative paths. */
export function importGraph(root: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const folder of SCANNED_FOLDERS) {
    for (const file of sourceFiles(join(root, folder))) {
      const targets = importSpecifiers(readFileSync(file, "utf8"))
        .filter((specifier) => specifier.startsWith("."))
        .map((specifier) => relative(root, resolve(dirname(file), specifier)));
      graph.set(relative(root, file), targets);
    }
  }
  return graph;
}

export function layerOf(path: string): number {
  return LAYERS.findIndex((layer) => layer.matches(path));
}

function domainOf(path: string): string | null {
  const match = /^src\/domains\/([^/]+)\//.exec(path);
  return match ? (match[1] as string) : null;
}

const DOMAIN_DOORS = /^src\/domains\/[^/]+\/(?:index|module)\.ts$/;

/** Imports that run up a layer, or into another domain's private files. */
export function arrowViolations(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const found: string[] = [];
  for (const [file, targets] of graph) {
    const from = layerOf(file);
    for (const target of targets) {
      const to = layerOf(target);
      if (from === -1 || to === -1) {
        const outside = from === -1 ? file : target;
        found.push(`${file} -> ${target}: ${outside} is in no layer`);
        continue;
      }
      if (to < from) {
        found.push(`${file} -> ${target}: ${LAYERS[from]?.name} may not import ${LAYERS[to]?.name} (upward)`);
        continue;
      }
      const own = domainOf(file);
      const other = domainOf(target);
      if (own && other && own !== other && !DOMAIN_DOORS.test(target)) {
        found.push(`${file} -> ${target}: domain ${own} reaches into domain ${other}`);
      }
    }
  }
  return found.sort();
}

/** Each import cycle once, as "a -> b -> a", found as strongly connected components (Tarjan). */
export function importCycles(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;

  const visit = (file: string): void => {
    index.set(file, counter);
    low.set(file, counter);
    counter += 1;
    stack.push(file);
    onStack.add(file);
    for (const target of graph.get(file) ?? []) {
      if (!graph.has(target)) continue;
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file) as number, low.get(target) as number));
      } else if (onStack.has(target)) {
        low.set(file, Math.min(low.get(file) as number, index.get(target) as number));
      }
    }
    if (low.get(file) === index.get(file)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        component.push(member);
      } while (member !== file);
      const selfImport = (graph.get(file) ?? []).includes(file);
      if (component.length > 1 || selfImport) components.push(component);
    }
  };
  for (const file of [...graph.keys()].sort()) if (!index.has(file)) visit(file);

  return components.map((component) => describeCycle(graph, new Set(component))).sort();
}

/** One concrete loop through a component, starting at its first file by name. */
function describeCycle(graph: ReadonlyMap<string, readonly string[]>, members: ReadonlySet<string>): string {
  const start = [...members].sort()[0] as string;
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const file = queue.shift() as string;
    for (const target of graph.get(file) ?? []) {
      if (!members.has(target)) continue;
      if (target === start) {
        const path = [file];
        while (path[0] !== start) path.unshift(previous.get(path[0] as string) as string);
        return `cycle: ${[...path, start].join(" -> ")}`;
      }
      if (!previous.has(target)) {
        previous.set(target, file);
        queue.push(target);
      }
    }
  }
  return `cycle: ${[...members].sort().join(", ")}`;
}
