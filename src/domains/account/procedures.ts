import { hostingAccount } from "./hosting-account.ts";
import { me } from "./me.ts";
import { regenerateApiKey } from "./regenerate-api-key.ts";
import { updateMe } from "./update-me.ts";
import { whoami } from "./whoami.ts";

/** `/api/account/me*` (mobile), `/api/whoami` (market), `/api/v1/account` (hosting). */
export const accountProcedures = { me, updateMe, regenerateApiKey, whoami, hostingAccount };
