import { authedProcedure } from "../../../trpc/procedures.ts";
import { listApiKeys as listKeysOfUser } from "../../../auth/api-keys.ts";
import { ZApiKeyList } from "./list-api-keys.types.ts";

export const listApiKeys = authedProcedure
  .meta({ access: "user" })
  .output(ZApiKeyList)
  .query(async ({ ctx }) => ({ items: await listKeysOfUser(ctx.services.db, ctx.auth.userId) }));
