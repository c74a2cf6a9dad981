import { tracked } from "@trpc/server";
import { publicProcedure } from "../../../trpc/procedures.ts";
import { ZHealthWatchInput } from "../health.types.ts";
import { checkHealth } from "../service.ts";

/** A live feed of health reports, for dashboards: tRPC subscription over SSE. */
export const watchHealth = publicProcedure.meta({ access: "public" }).input(ZHealthWatchInput).subscription(async function* ({ ctx, input, signal }) {
  let sequence = Number(input.lastEventId ?? 0) || 0;
  const stop = AbortSignal.any([ctx.services.shutdownSignal, ...(signal ? [signal] : [])]);
  while (!stop.aborted) {
    sequence += 1;
    yield tracked(String(sequence), await checkHealth({ database: ctx.services.database }));
    await sleepUnlessAborted(input.interval_s * 1000, stop);
  }
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
