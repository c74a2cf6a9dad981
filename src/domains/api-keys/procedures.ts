import { authedProcedure } from "../../trpc/procedures.ts";
import { listApiKeys } from "../../auth/api-keys.ts";
import { markNoStore } from "../../auth/no-store.ts";
import { ZApiKeyList, ZApiKeySummary, ZCreateApiKeyInput, ZCreatedApiKey, ZRevokeApiKeyInput } from "./api-keys.types.ts";
import { createKeyForUser, revokeKeyForUser } from "./service.ts";

/**
 * `apiKeys.*`: the signed-in user's own API keys (the hosting document's dashboard "API Keys").
 * tRPC only; the key itself is returned by `create` and never again. Creating needs a session or
 * access token; listing and revoking accept any credential, so a key can revoke itself.
 */
export const apiKeyProcedures = {
  create: authedProcedure
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
    }),

  list: authedProcedure
    .meta({ access: "user" })
    .output(ZApiKeyList)
    .query(async ({ ctx }) => ({ items: await listApiKeys(ctx.services.db, ctx.auth.userId) })),

  revoke: authedProcedure
    .meta({ access: "owner" })
    .input(ZRevokeApiKeyInput)
    .output(ZApiKeySummary)
    .mutation(({ ctx, input }) =>
      revokeKeyForUser(
        { db: ctx.services.db, logger: ctx.services.logger, cache: ctx.services.principalCache },
        ctx.actor,
        input.id,
      ),
    ),
};
