import { authedProcedure } from "../../../trpc/procedures.ts";
import { ZAuthUser } from "../password-auth.types.ts";
import { currentUser } from "../session.ts";

export const getCurrentUser = authedProcedure
  .meta({
    access: "user",
    rest: {
      method: "GET",
      path: "/api/auth/me",
      surface: "workspaces",
      tags: ["auth"],
      auth: ["cookie"],
      summary: "Get current user info",
    },
  })
  .output(ZAuthUser)
  .query(({ ctx }) => currentUser(ctx.services.db, ctx.auth.userId));
