import { authedProcedure } from "../../../trpc/procedures.ts";
import { ZProfile } from "../account.types.ts";
import { getProfile } from "../service.ts";

export const getMe = authedProcedure
  .meta({
    access: "user",
    rest: {
      method: "GET",
      path: "/api/account/me",
      surface: "mobile",
      summary: "Your profile",
      description: "The signed-in account. `api_key` names the current key by its prefix; the key and its hash are never returned.",
      auth: ["bearer"],
    },
  })
  .output(ZProfile)
  .query(({ ctx }) => getProfile(ctx.services.db, ctx.auth.userId));
