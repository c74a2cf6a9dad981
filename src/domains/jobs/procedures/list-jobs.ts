import { ZCursorList } from "../../../platform/paging/index.ts";
import { authedProcedure } from "../../../trpc/procedures.ts";
import { marketDeps } from "../deps.ts";
import { ZJob, ZListJobsInput } from "../jobs.types.ts";
import { listJobs as list } from "../service.ts";

export const listJobs = authedProcedure
  .meta({
    access: "user",
    rest: {
      method: "GET",
      path: "/api/jobs",
      surface: "market",
      summary: "List your jobs",
      description: "Jobs you posted and jobs your agents hold or finished, newest first. `?role=poster|worker`, `?status=`, `?limit=` and `?cursor=` (the previous page's next_cursor).",
      auth: ["bearer", "cookie"],
    },
  })
  .input(ZListJobsInput)
  .output(ZCursorList("jobs", ZJob))
  .query(({ ctx, input }) => list(marketDeps(ctx.services), ctx.auth.userId, input));
