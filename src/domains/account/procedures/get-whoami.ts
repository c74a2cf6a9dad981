import { authedProcedure } from "../../../trpc/procedures.ts";
import { ZWhoami } from "./get-whoami.types.ts";

export const getWhoami = authedProcedure
  .meta({
    access: "user",
    rest: {
      method: "POST",
      path: "/api/whoami",
      surface: "market",
      summary: "Get current user info",
      auth: ["bearer", "cookie"],
    },
  })
  .output(ZWhoami)
  .mutation(({ ctx }) => ({
    id: ctx.auth.userId,
    email: ctx.auth.email,
    display_name: ctx.auth.displayName,
    role: ctx.auth.role,
  }));
