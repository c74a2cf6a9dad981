import { describe, expect, test } from "bun:test";
import { z } from "zod";
import { createApp } from "../../src/app.ts";
import type { Services } from "../../src/platform/services.ts";
import type { Surface } from "../../src/trpc/meta.ts";
import { SURFACE_NAMES, surfaceNamed, surfaceOfPath } from "../../src/surfaces/index.ts";
import { router } from "../../src/trpc/init.ts";
import { publicProcedure } from "../../src/trpc/procedures.ts";

/**
 * The surface registry (src/surfaces): each route lies within its surface's documented paths, or
 * start-up fails naming the procedure; requests no route matched get the envelope of the surface
 * whose paths they are under.
 */
const services = { config: {}, logger: {} } as unknown as Services;

const routerWith = (path: string, surface: string) =>
  router({
    fixture: router({
      stray: publicProcedure
        .meta({ access: "public", rest: { method: "GET", path, surface: surface as Surface } })
        .input(z.object({ id: z.string() }).optional())
        .query(() => ({ ok: true })),
    }),
  });

describe("start-up", () => {
  test("a route outside its surface's paths stops it, naming the procedure", () => {
    expect(() => createApp(services, routerWith("/api/sessions/fixture-stray", "market"))).toThrow(
      "REST route of fixture.stray: GET /api/sessions/fixture-stray is outside the market surface's paths",
    );
    // A prefix is a whole path segment: /api/v10 is not under /api/v1.
    expect(() => createApp(services, routerWith("/api/v10/fixture", "hosting"))).toThrow(/fixture\.stray: .*outside the hosting surface/);
    expect(() => createApp(services, routerWith("/fixture-stray", "compute"))).toThrow(/fixture\.stray/);
  });

  test("a surface the registry does not know stops it, naming the procedure", () => {
    expect(() => createApp(services, routerWith("/api/v1/fixture", "billing"))).toThrow(
      'REST route of fixture.stray names an unknown surface "billing"',
    );
  });
});

describe("the registry", () => {
  test("lists the five products, each with its paths and envelopes", () => {
    expect(SURFACE_NAMES).toEqual(["mobile", "market", "workspaces", "hosting", "compute"]);
    for (const name of SURFACE_NAMES) {
      const surface = surfaceNamed(name);
      expect(surface.name).toBe(name);
      expect(surface.prefixes.length).toBeGreaterThan(0);
    }
  });

  test("an unmatched path is the surface whose paths it is under", () => {
    const cases: Array<[string, Surface]> = [
      ["/api/v1/nothing-here", "hosting"],
      ["/api/v1", "hosting"],
      ["/api/sessions/x/y", "mobile"],
      ["/api/account/me/unknown", "mobile"],
      ["/auth/unknown", "mobile"],
      ["/api/auth/unknown", "workspaces"],
      ["/proxy/anthropic/v1/messages", "workspaces"],
      ["/api/agents/x", "market"],
      ["/agents/x", "compute"],
      ["/api/unclaimed", "market"],
      ["/unclaimed", "compute"],
      ["/", "compute"],
    ];
    for (const [path, surface] of cases) expect([path, surfaceOfPath(path).name]).toEqual([path, surface]);
  });
});
