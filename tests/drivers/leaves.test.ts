/**
 * Drivers are leaves: no file under drivers/ imports anything of src/ or db/ (a driver's errors and
 * logger type are its own; the domain that calls it maps them). The same scan runs on a fixture
 * folder with deliberate violations, to show it finds them and names the file.
 */
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { importSpecifiers, sourceFiles } from "../foundation/layers.ts";

const ROOT = resolve(import.meta.dir, "../..");
const APP_ROOTS = [join(ROOT, "src"), join(ROOT, "db")];

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
});
