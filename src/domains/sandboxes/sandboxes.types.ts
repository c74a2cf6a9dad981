import { z } from "zod";
import { SANDBOX_STATUSES, SANDBOX_TYPES } from "../../../db/schema/index.ts";
import { ID_PREFIX, ZId } from "../../platform/ids.ts";

export const ZSandboxId = ZId(ID_PREFIX.sandbox);
export const ZSandboxIdInput = z.object({ id: ZSandboxId });

export const ZSandbox = z.object({
  id: z.string(),
  workspace_id: z.string(),
  name: z.string(),
  type: z.enum(SANDBOX_TYPES),
  /** "cloud" (a container on the platform's engine) or "local" (a local agent's machine). */
  kind: z.enum(["cloud", "local"]),
  status: z.enum(SANDBOX_STATUSES),
  /** Why it is in `error`. */
  error: z.string().nullable(),
  /** Its subdomain: `oc-{id}.BASE_DOMAIN` or `claw-{id}.BASE_DOMAIN` (the id's `_` written `-`). */
  url: z.string(),
  /** "docker" (a real container) or "simulator" (no engine: nothing runs). */
  driver: z.string(),
  created_at: z.date(),
  running_at: z.date().nullable(),
  paused_at: z.date().nullable(),
  deleted_at: z.date().nullable(),
});
export type TSandbox = z.infer<typeof ZSandbox>;
