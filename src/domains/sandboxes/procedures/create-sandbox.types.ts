import { z } from "zod";
import { SANDBOX_TYPES } from "../../../../db/schema/index.ts";
import { ID_PREFIX, ZId } from "../../../platform/ids.ts";

export const ZCreateSandboxInput = z.object({
  id: ZId(ID_PREFIX.workspace),
  name: z.string().trim().min(1).max(100),
  type: z.enum(SANDBOX_TYPES),
});

export const CREATE_SANDBOX_DESCRIPTION =
  "Answers at once with status `creating`; a queued start makes the container (opencode serves on 4096 with a generated server password, " +
  "openclaw's gateway on 18789 with a generated token, each with a state volume and its own Anthropic proxy token) and moves it to `running` " +
  "when the program's own readiness check passes (opencode `GET /global/health`, openclaw `GET /readyz`), or to `error` with a reason. " +
  "The program's secret is stored encrypted and never returned; reach the sandbox through `url`. With no container engine " +
  "(simulator) the sandbox is simulated: its states change, nothing runs.";
