import { authedProcedure } from "../../../trpc/procedures.ts";
import { markNoStore } from "../../../auth/no-store.ts";
import { ZApiKeyCreated } from "./regenerate-api-key.types.ts";
import { regenerateAccountKey } from "../service.ts";

export const regenerateApiKey = authedProcedure
  .meta({
    access: "user",
    rest: {
      method: "POST",
      path: "/api/account/me/api-key",
      surface: "mobile",
      summary: "Generate (or regenerate) your API key",
      description:
        "Issues a new `oc_live_…` key and revokes the previous one at once (on every replica). " +
        "The plaintext key is in this response only — store it immediately. Needs a signed-in person " +
        "(access token or session): an API key cannot issue its successor (403).",
      auth: ["bearer"],
      errors: { 403: "The request was made with an API key; sign in (access token) to issue a key." },
    },
  })
  .output(ZApiKeyCreated)
  .mutation(async ({ ctx }) => {
    const { services } = ctx;
    markNoStore(ctx.responseHeaders);
    const created = await regenerateAccountKey({
      db: services.db,
      logger: services.logger,
      principalCache: services.principalCache,
      issuer: ctx.auth,
      actor: ctx.actor,
    });
    return { api_key: created.key, prefix: created.prefix, created_at: created.createdAt };
  });
