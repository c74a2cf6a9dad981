import { authedProcedure } from "../../../trpc/procedures.ts";
import { markNoStore } from "../../../auth/no-store.ts";
import { createKeyForUser } from "../service.ts";
import { ZCreateApiKeyInput, ZCreatedApiKey } from "./create-api-key.types.ts";

export const createApiKey = authedProcedure
  .meta({ access: "user" })
  .input(ZCreateApiKeyInput)
  .output(ZCreatedApiKey)
  .mutation(({ ctx, input }) => {
    markNoStore(ctx.responseHeaders);
    return createKeyForUser(
      { db: ctx.services.db, logger: ctx.services.logger },
      { ...ctx.actor, method: ctx.auth.method, credentialId: ctx.auth.credentialId },
      { name: input.name, expiresAt: input.expires_at ?? null },
    );
  });
