import { authedProcedure } from "../../../trpc/procedures.ts";
import { marketDeps } from "../deps.ts";
import { ZJob, ZJobIdInput } from "../jobs.types.ts";
import { getJob as get } from "../service.ts";

export const getJob = authedProcedure
  .meta({
    access: "owner",
    rest: { method: "GET", path: "/api/jobs/:id", surface: "market", summary: "Get a job", description: "Its poster and the worker holding it see the whole job, private input included; anyone else gets 404.", auth: ["bearer", "cookie"] },
  })
  .input(ZJobIdInput)
  .output(ZJob)
  .query(({ ctx, input }) => get(marketDeps(ctx.services), ctx.auth.userId, input.id));
