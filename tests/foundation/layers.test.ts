import { describe, expect, test } from "bun:test";
import { join, resolve } from "node:path";
import { arrowViolations, importCycles, importGraph, importSpecifiers } from "./layers.ts";

const ROOT = resolve(import.meta.dir, "../..");

/**
 * Domains that still reach into another domain's files instead of its module. This list only
 * shrinks: each entry goes when the domain gets its module.ts (issue 10, item 2), and a stale
 * entry fails the test so it is removed with the fix.
 */
const DOMAIN_REACH_TO_REMOVE: readonly string[] = [];

function split(found: readonly string[], allowed: readonly string[]) {
  const arrows = found.map((line) => line.slice(0, line.indexOf(": ")));
  return {
    unexpected: found.filter((_line, i) => !allowed.includes(arrows[i] as string)),
    stale: allowed.filter((arrow) => !arrows.includes(arrow)),
  };
}

describe("layers", () => {
  const graph = importGraph(ROOT);

  test("no import runs up a layer or into another domain's files", () => {
    const { unexpected, stale } = split(arrowViolations(graph), DOMAIN_REACH_TO_REMOVE);
    expect(unexpected).toEqual([]);
    expect(stale).toEqual([]);
  });

  test("no import cycle", () => {
    expect(importCycles(graph)).toEqual([]);
  });

  test("every scanned file sits in a layer and the scan sees the whole tree", () => {
    expect(graph.size).toBeGreaterThan(200);
    for (const file of ["src/app.ts", "src/trpc/context.ts", "db/connection.ts", "drivers/container/index.ts", "client/index.ts"]) {
      expect(graph.has(file)).toBe(true);
    }
  });
});

describe("the same scan on a fixture tree with deliberate violations", () => {
  const graph = importGraph(join(import.meta.dir, "fixtures/layers"));

  test("names the file and the arrow of a reversed import and of a reach into another domain", () => {
    expect(arrowViolations(graph)).toEqual([
      "src/domains/billing/charge.ts -> src/domains/notes/store.ts: domain billing reaches into domain notes",
      "src/platform/clock.ts -> src/trpc/kit.ts: platform may not import trpc (upward)",
    ]);
  });

  test("names each cycle, within a layer and across layers", () => {
    expect(importCycles(graph)).toEqual([
      "cycle: src/domains/notes/store.ts -> src/domains/notes/write.ts -> src/domains/notes/store.ts",
      "cycle: src/platform/clock.ts -> src/trpc/kit.ts -> src/platform/clock.ts",
    ]);
  });
});

test("the scan reads every form of import and no comment or string", () => {
  const source = [
    'import a from "./a.ts";',
    'import type { B } from "./b.ts";',
    "import {\n  c,\n  d,\n} from './cd.ts';",
    'export * from "./e.ts";',
    'export type { F } from "./f.ts";',
    'import "./side-effect.ts";',
    'const g = await import("./g.ts");',
    '// import h from "./h.ts";',
    '/* export * from "./i.ts"; */',
    "const j = 'import j from \"./j.ts\"';",
    'const k = "unix:///var/run/docker.sock";',
    'const r = require("./r.ts");',
  ].join("\n");
  expect(importSpecifiers(source).sort()).toEqual(["./a.ts", "./b.ts", "./cd.ts", "./e.ts", "./f.ts", "./g.ts", "./r.ts", "./side-effect.ts"]);
});
