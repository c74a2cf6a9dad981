import { ZCursorList } from "../../../platform/paging/index.ts";
import { authedProcedure } from "../../../trpc/procedures.ts";
import { ZAgent, ZListAgentsInput } from "../agents.types.ts";
import { listAgents as list } from "../service.ts";

export const listAgents = authedProcedure
  .meta({
    access: "user",
    rest: { method: "GET", path: "/api/agents", surface: "market", summary: "List your agents", description: "Newest first; `?limit=` and `?cursor=` (the previous page's next_cursor).", auth: ["bearer", "cookie"] },
  })
  .input(ZListAgentsInput)
  .output(ZCursorList("agents", ZAgent))
  .query(({ ctx, input }) => list({ db: ctx.services.db, userId: ctx.auth.userId, limit: input.limit, cursor: input.cursor }));
