import type { AnyRouter } from "@trpc/server";
import { z } from "zod";
import { appRouter } from "../src/router.ts";
import { router } from "../src/trpc/init.ts";
import { publicProcedure } from "../src/trpc/procedures.ts";

/** The synthetic route the runner hits: the middle one, so no router gets a first- or last-entry bonus. */
export function syntheticPath(count: number, id = 42): string {
  return `/api/v1/bench-${Math.floor(count / 2)}/${id}`;
}

const ZBenchInput = z.object({ id: z.number().int().positive() });
const ZBenchOutput = z.object({ id: z.number().int(), name: z.string() });

/**
 * The real router plus `count` synthetic REST procedures `GET /api/v1/bench-<i>/:id` (hosting
 * surface, one coerced path parameter, validated input and output, no database), so the cost of
 * the route table's size can be read off a request to `/health` or to one synthetic route.
 */
export function syntheticRouter(count: number): AnyRouter {
  if (count <= 0) return appRouter;
  const procedures: Record<string, ReturnType<typeof benchProcedure>> = {};
  for (let i = 0; i < count; i++) procedures[`p${i}`] = benchProcedure(i);
  return router({ ...appRouter._def.record, bench: router(procedures) });
}

function benchProcedure(index: number) {
  return publicProcedure
    .meta({ access: "public", rest: { method: "GET", path: `/api/v1/bench-${index}/:id`, surface: "hosting" } })
    .input(ZBenchInput)
    .output(ZBenchOutput)
    .query(({ input }) => ({ id: input.id, name: `bench-${index}` }));
}
