import { expect, test } from "bun:test";
import type { AnyProcedure } from "@trpc/server";
import { createApp } from "../../src/app.ts";
import type { Services } from "../../src/platform/services.ts";
import { router } from "../../src/trpc/init.ts";
import { publicProcedure } from "../../src/trpc/procedures.ts";

/**
 * Every REST procedure is compiled for the fast path (src/rest/call-procedure.ts) at start-up; one
 * whose tRPC internals are not the shape it compiles stops start-up, naming it, instead of
 * silently taking another path. A procedure with an experimental caller is such a one.
 */
test("a REST procedure the fast path cannot compile stops start-up, naming it", () => {
  const services = { config: { connections: { maxPerIp: 1, maxStreamsPerIp: 1, idleTimeoutS: 1 }, sandboxes: { baseDomain: "" } }, modules: { sandboxes: {} }, logger: {}, shutdownSignal: new AbortController().signal } as unknown as Services;
  const overridden = publicProcedure
    .meta({ access: "public", rest: { method: "GET", path: "/api/v1/fixture-overridden", surface: "hosting" } })
    .experimental_caller(async ({ invoke, args }) => invoke(args[0] as Parameters<typeof invoke>[0]))
    .query(() => ({ ok: true }));
  const misfit = router({ fixture: router({ overridden: overridden as unknown as AnyProcedure }) });
  expect(() => createApp(services, misfit)).toThrow(
    "REST procedure fixture.overridden cannot be compiled for the fast path (src/rest/call-procedure.ts): it has an experimental caller",
  );
});

/**
 * Packages whose internals the platform leans on are pinned to the exact version the fast path,
 * the differential test and the adapter were checked against: tRPC (`unstable-core-do-not-import`,
 * `_def`), zod (`_zod.def` in the JSON Schema override), Elysia (`serve.routes` merged into
 * Bun.serve), Scalar (its `dist/browser/standalone.js`). An upgrade is a deliberate edit.
 */
test("packages whose internals are used are pinned exactly", async () => {
  const manifest = (await Bun.file(new URL("../../package.json", import.meta.url)).json()) as { dependencies: Record<string, string> };
  for (const name of ["@trpc/server", "@trpc/client", "zod", "elysia", "@scalar/api-reference"]) {
    expect([name, manifest.dependencies[name]]).toEqual([name, expect.stringMatching(/^\d+\.\d+\.\d+$/)]);
  }
});
