import { z } from "zod";
import { EVAL_RUN_STATUSES } from "../../../db/schema/index.ts";

export const ZSkillName = z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9._-]{0,63}$/, "must be 1-64 letters, digits, . _ -");
/** The input of the procedures that address one skill by name. */
export const ZSkillNameInput = z.object({ name: ZSkillName });

export const ZSkillIndex = z.object({
  name: z.string(),
  description: z.string().nullable(),
  latest_version: z.number().int(),
  created_at: z.date(),
  updated_at: z.date(),
});
export type TSkillIndex = z.infer<typeof ZSkillIndex>;

export const ZSkillVersion = z.object({
  version: z.number().int(),
  content_hash: z.string(),
  size_bytes: z.number().int(),
  file_count: z.number().int(),
  object_key: z.string(),
  session_id: z.string().nullable(),
  created_at: z.date(),
});
export type TSkillVersion = z.infer<typeof ZSkillVersion>;

export const ZEvalRunStatus = z.enum(EVAL_RUN_STATUSES);

export const ZEvalRun = z.object({
  id: z.string(),
  version: z.number().int(),
  status: ZEvalRunStatus,
  score: z.number().nullable(),
  started_at: z.date().nullable(),
  finished_at: z.date().nullable(),
  log_object_key: z.string().nullable(),
  notes: z.string().nullable(),
  created_at: z.date(),
});
export type TEvalRun = z.infer<typeof ZEvalRun>;

export const ZSkillListResponse = z.object({ skills: z.array(ZSkillIndex) });
export const ZSkillDetailResponse = z.object({ skill: ZSkillIndex, versions: z.array(ZSkillVersion), runs: z.array(ZEvalRun) });
export const ZSkillShareResponse = z.object({ url: z.string(), expires_in: z.number().int() });

export const ZCreateEvalRunInput = z.object({
  name: ZSkillName,
  version: z.number().int().positive().optional(),
  status: ZEvalRunStatus.default("queued"),
  notes: z.string().max(2000).optional(),
});

export const ZUpdateEvalRunInput = z.object({
  id: z.string().min(1),
  status: ZEvalRunStatus.optional(),
  score: z.number().min(0).max(1).nullable().optional(),
  /** The run's log, stored in the blob store. */
  log: z.string().max(5_000_000).optional(),
  notes: z.string().max(2000).optional(),
});
