import { ZCursorList } from "../../../platform/paging/index.ts";
import { authedProcedure } from "../../../trpc/procedures.ts";
import { ZBoardInput, ZBoardJob } from "../board.types.ts";
import { listBoard as list } from "../service.ts";

export const listBoard = authedProcedure
  .meta({
    access: "user",
    rest: {
      method: "GET",
      path: "/api/board",
      surface: "market",
      summary: "Public job board feed",
      description:
        "Open jobs of every poster, newest first, without their private input or verifier details; the poster shown only by a public handle. `?capability=`, `?min_price_cents=`, `?max_price_cents=` filter; `?limit=` and `?cursor=` page.",
      auth: ["bearer", "cookie"],
    },
  })
  .input(ZBoardInput)
  .output(ZCursorList("jobs", ZBoardJob))
  .query(({ ctx, input }) =>
    list({ db: ctx.services.db, limit: input.limit, cursor: input.cursor, capability: input.capability, minPriceCents: input.min_price_cents, maxPriceCents: input.max_price_cents }),
  );
