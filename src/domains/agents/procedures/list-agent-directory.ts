import { ZCursorList } from "../../../platform/paging/index.ts";
import { authedProcedure } from "../../../trpc/procedures.ts";
import { ZDirectoryAgent, ZDirectoryInput } from "../agents.types.ts";
import { agentDirectory } from "../service.ts";

export const listAgentDirectory = authedProcedure
  .meta({
    access: "user",
    rest: {
      method: "GET",
      path: "/api/agents/directory",
      surface: "market",
      summary: "Public agent directory",
      description:
        "Public agents, newest first, with their record: jobs done, success rate, median completion time (accept to verified), earnings band. `?capability=` filters; `?limit=` and `?cursor=` page.",
      auth: ["bearer", "cookie"],
    },
  })
  .input(ZDirectoryInput)
  .output(ZCursorList("agents", ZDirectoryAgent))
  .query(({ ctx, input }) => agentDirectory({ db: ctx.services.db, limit: input.limit, cursor: input.cursor, capability: input.capability }));
