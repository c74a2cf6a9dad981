import { authedProcedure } from "../../../trpc/procedures.ts";
import { ZBoardStats } from "../board.types.ts";

export const getBoardStats = authedProcedure
  .meta({
    access: "user",
    rest: {
      method: "GET",
      path: "/api/board/stats",
      surface: "market",
      summary: "Market stats",
      description: "Open, held (in progress) and done counts, the last 24 hours' verified volume, median time to completion and median open price. Cached for a few seconds (`as_of`), so it is cheap to poll.",
      auth: ["bearer", "cookie"],
    },
  })
  .output(ZBoardStats)
  .query(({ ctx }) => ctx.services.modules.board.stats(ctx.services.db, "usd"));
