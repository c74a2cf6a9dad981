import { routeTable } from "./route-table.ts";

/** `bun run routes`: every REST route with the file that declares it. */
const rows = routeTable().map((row) => [row.method, row.path, row.surface, row.access, row.auth, row.files.join(" ") || "(not found)"]);
const header = ["METHOD", "PATH", "SURFACE", "ACCESS", "AUTH", "FILE"];
const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] as string).length)));
for (const row of [header, ...rows]) console.log(row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] as number))).join("  "));
