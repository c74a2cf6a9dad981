import { tracked } from "@trpc/server";
import { router } from "../../trpc/init.ts";
import { publicProcedure } from "../../trpc/procedures.ts";
import { ZHealthResponse, ZHealthWatchInput } from "./health.types.ts";
import { checkHealth } from "./service.ts";

const describe = "Unauthenticated liveness and database reachability.";

export const healthRouter = router({
  /** Compute surface: `GET /health`. */
  compute: publicProcedure
    .meta({ access: "public", rest: { method: "GET", path: "/health", surface: "compute", summary: "Health check", description: describe } })
    .output(ZHealthResponse)
    .query(({ ctx }) => checkHealth({ database: ctx.services.database })),

  /** Hosting surface: `GET /api/v1/health`, in its `{ data }` envelope. */
  hosting: publicProcedure
    .meta({ access: "public", rest: { method: "GET", path: "/api/v1/health", surface: "hosting", summary: "Check API availability", description: describe } })
    .output(ZHealthResponse)
    .query(({ ctx }) => checkHealth({ database: ctx.services.database })),

  /** A live feed of health reports, for dashboards: tRPC subscription over SSE. */
  watch: publicProcedure.meta({ access: "public" }).input(ZHealthWatchInput).subscription(async function* ({ ctx, input, signal }) {
    let sequence = Number(input.lastEventId ?? 0) || 0;
    const stop = AbortSignal.any([ctx.services.shutdownSignal, ...(signal ? [signal] : [])]);
    while (!stop.aborted) {
      sequence += 1;
      yield tracked(String(sequence), await checkHealth({ database: ctx.services.database }));
      await sleepUnlessAborted(input.interval_s * 1000, stop);
    }
  }),
});

function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
