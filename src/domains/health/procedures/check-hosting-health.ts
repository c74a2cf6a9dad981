import { publicProcedure } from "../../../trpc/procedures.ts";
import { HEALTH_DESCRIPTION, ZHealthResponse } from "../health.types.ts";
import { checkHealth } from "../service.ts";

/** Hosting surface: `GET /api/v1/health`, in its `{ data }` envelope. */
export const checkHostingHealth = publicProcedure
  .meta({ access: "public", rest: { method: "GET", path: "/api/v1/health", surface: "hosting", summary: "Check API availability", description: HEALTH_DESCRIPTION } })
  .output(ZHealthResponse)
  .query(({ ctx }) => checkHealth({ database: ctx.services.database }));
