import { authedProcedure } from "../../../trpc/procedures.ts";
import { ZHostingAccount } from "./get-hosting-account.types.ts";
import { requireUser } from "../service.ts";

export const getHostingAccount = authedProcedure
  .meta({
    access: "user",
    rest: {
      method: "GET",
      path: "/api/v1/account",
      surface: "hosting",
      summary: "Get account information",
      auth: ["bearer"],
    },
  })
  .output(ZHostingAccount)
  .query(async ({ ctx }) => {
    const user = await requireUser(ctx.services.db, ctx.auth.userId);
    return {
      id: user.id,
      email: user.email,
      display_name: user.displayName,
      role: user.role,
      email_verified: user.emailVerified,
      created_at: user.createdAt,
    };
  });
