import { publicProcedure } from "../../../trpc/procedures.ts";
import { HEALTH_DESCRIPTION, ZHealthResponse } from "../health.types.ts";
import { checkHealth } from "../service.ts";

/** Compute surface: `GET /health`. */
export const checkComputeHealth = publicProcedure
  .meta({ access: "public", rest: { method: "GET", path: "/health", surface: "compute", summary: "Health check", description: HEALTH_DESCRIPTION } })
  .output(ZHealthResponse)
  .query(({ ctx }) => checkHealth({ database: ctx.services.database }));
