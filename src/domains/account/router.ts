import { getHostingAccount } from "./procedures/get-hosting-account.ts";
import { getMe } from "./procedures/get-me.ts";
import { getWhoami } from "./procedures/get-whoami.ts";
import { regenerateApiKey } from "./procedures/regenerate-api-key.ts";
import { updateMe } from "./procedures/update-me.ts";

/** `/api/account/me*` (mobile), `/api/whoami` (market), `/api/v1/account` (hosting). */
export const accountProcedures = { me: getMe, updateMe, regenerateApiKey, whoami: getWhoami, hostingAccount: getHostingAccount };
