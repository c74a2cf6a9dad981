/**
 * Drivers are leaves: no file under drivers/ imports anything of src/ or db/ (a driver's errors and
 * logger type are its own; the domain that calls it maps them). The same scan runs on a fixture
 * folder with deliberate violations, to show it finds them and names the file.
 */
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";

const ROOT = resolve(import.meta.dir, "../..");
const APP_ROOTS = [join(ROOT, "src"), join(ROOT, "db")];

/** Strings are kept (a specifier is one), comments dropped (one may quote an import). */
const STRINGS_OR_COMMENTS = /("(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|`(?:\\.|[^`\\])*`)|\/\/[^\n]*|\/\*[\s\S]*?\*\//g;
const SPECIFIERS = [
  // import … from "x", import type … from "x", export … from "x" (across lines)
  /(?:^|[;}\s])(?:import|export)\s[^;"'`]*?\bfrom\s*(["'])([^"'\n]+)\1/g,
  // import "x"
  /(?:^|[;}\s])import\s*(["'])([^"'\n]+)\1/g,
  // import("x"), require("x")
  /\b(?:import|require)\s*\(\s*(["'])([^"'\n]+)\1\s*\)/g,
];

export function importSpecifiers(source: string): string[] {
  const code = source.replace(STRINGS_OR_COMMENTS, (match, string: string | undefined) => string ?? "");
  const found = new Set<string>();
  for (const pattern of SPECIFIERS) for (const match of code.matchAll(pattern)) found.add(match[2] as string);
  return [...found];
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" ? [] : sourceFiles(path);
    return /\.(?:ts|tsx|mts|cts|js|mjs)$/.test(entry.name) ? [path] : [];
  });
}

/** Every import under `dir` that resolves into src/ or db/, as "file imports specifier". */
export function importsIntoApp(dir: string): string[] {
  const violations: string[] = [];
  for (const file of sourceFiles(dir)) {
    for (const specifier of importSpecifiers(readFileSync(file, "utf8"))) {
      if (!specifier.startsWith(".") && !specifier.startsWith("/")) continue;
      const target = resolve(dirname(file), specifier);
      if (APP_ROOTS.some((root) => target === root || target.startsWith(root + sep))) {
        violations.push(`${relative(ROOT, file)} imports ${specifier} (${relative(ROOT, target)})`);
      }
    }
  }
  return violations.sort();
}

describe("drivers are leaves", () => {
  test("no file under drivers/ imports src/ or db/", () => {
    expect(importsIntoApp(join(ROOT, "drivers"))).toEqual([]);
  });

  test("the scan finds each bad import in a fixture folder and names its file", () => {
    expect(importsIntoApp(join(import.meta.dir, "fixtures/leaf-violations"))).toEqual([
      "tests/drivers/fixtures/leaf-violations/container/platform-error.ts imports ../../../../../src/platform/errors.ts (src/platform/errors.ts)",
      "tests/drivers/fixtures/leaf-violations/device/session-row.ts imports ../../../../../db/schema/index.ts (db/schema/index.ts)",
    ]);
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
    ].join("\n");
    expect(importSpecifiers(source).sort()).toEqual(["./a.ts", "./b.ts", "./cd.ts", "./e.ts", "./f.ts", "./g.ts", "./side-effect.ts"]);
  });
});
