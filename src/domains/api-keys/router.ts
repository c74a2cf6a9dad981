import { createApiKey } from "./procedures/create-api-key.ts";
import { listApiKeys } from "./procedures/list-api-keys.ts";
import { revokeApiKey } from "./procedures/revoke-api-key.ts";

/**
 * `apiKeys.*`: the signed-in user's own API keys (the hosting document's dashboard "API Keys").
 * tRPC only; the key itself is returned by `create` and never again. Creating needs a session or
 * access token; listing and revoking accept any credential, so a key can revoke itself.
 */
export const apiKeyProcedures = { create: createApiKey, list: listApiKeys, revoke: revokeApiKey };
