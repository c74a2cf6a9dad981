import { expect, test } from "bun:test";
import { routeTable } from "../../scripts/route-table.ts";

test("every REST route's documented method and path, as written in its meta, is found in exactly one file of src/domains", () => {
  const rows = routeTable();
  expect(rows.length).toBeGreaterThanOrEqual(35);
  const notFoundOnce = rows.filter((row) => row.files.length !== 1).map((row) => `${row.method} ${row.path}: ${row.files.join(", ") || "no file"}`);
  expect(notFoundOnce).toEqual([]);
});

test("bun run routes prints one line per REST route with the file that declares it", () => {
  const run = Bun.spawnSync(["bun", "run", "scripts/routes.ts"], { cwd: `${import.meta.dir}/../..` });
  const lines = run.stdout.toString().trim().split("\n");
  expect(run.exitCode).toBe(0);
  expect(lines.length).toBe(routeTable().length + 1);
  expect(lines.find((line) => line.startsWith("GET     /admin/bans "))).toContain("src/domains/admin/");
});
