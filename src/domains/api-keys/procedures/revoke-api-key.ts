import { authedProcedure } from "../../../trpc/procedures.ts";
import { revokeKeyForUser } from "../service.ts";
import { ZApiKeySummary } from "../api-keys.types.ts";
import { ZRevokeApiKeyInput } from "./revoke-api-key.types.ts";

export const revokeApiKey = authedProcedure
  .meta({ access: "owner" })
  .input(ZRevokeApiKeyInput)
  .output(ZApiKeySummary)
  .mutation(({ ctx, input }) =>
    revokeKeyForUser(
      { db: ctx.services.db, logger: ctx.services.logger, cache: ctx.services.principalCache },
      ctx.actor,
      input.id,
    ),
  );
