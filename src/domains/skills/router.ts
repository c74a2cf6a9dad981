import { z } from "zod";
import { JSON_ENVELOPE_BYTES } from "../../trpc/meta.ts";
import { router } from "../../trpc/init.ts";
import { authedProcedure } from "../../trpc/procedures.ts";
import { createEvalRun, getSkillDetail, listSkills, shareSkill, updateEvalRun } from "./service.ts";
import {
  ZCreateEvalRunInput,
  ZEvalRun,
  ZSkillDetailResponse,
  ZSkillListResponse,
  ZSkillName,
  ZSkillShareResponse,
  ZUpdateEvalRunInput,
} from "./skills.types.ts";

const SHARE_TTL_S = 3600;

export const skillsRouter = router({
  list: authedProcedure
    .meta({ access: "user", rest: { method: "GET", path: "/api/skills", surface: "mobile", summary: "List your skills", auth: ["bearer"] } })
    .output(ZSkillListResponse)
    .query(async ({ ctx }) => ({ skills: await listSkills(ctx.services.db, ctx.auth.userId) })),

  get: authedProcedure
    .meta({ access: "owner", rest: { method: "GET", path: "/api/skills/:name", surface: "mobile", summary: "Skill detail with versions and eval runs", auth: ["bearer"] } })
    .input(z.object({ name: ZSkillName }))
    .output(ZSkillDetailResponse)
    .query(({ ctx, input }) => getSkillDetail(ctx.services.db, ctx.auth.userId, input.name)),

  share: authedProcedure
    .meta({
      access: "owner",
      rest: {
        method: "GET",
        path: "/api/skills/:name/share",
        surface: "mobile",
        summary: "Presigned, time-limited download URL of the latest version",
        description: "503 when sharing is not configured (SKILL_SHARING=false).",
        auth: ["bearer"],
        errors: { 503: "Skill sharing is not configured." },
      },
    })
    .input(z.object({ name: ZSkillName }))
    .output(ZSkillShareResponse)
    .query(({ ctx, input }) =>
      shareSkill({
        db: ctx.services.db,
        blobs: ctx.services.blobs,
        userId: ctx.auth.userId,
        name: input.name,
        enabled: ctx.services.config.skillSharing,
        expiresIn: SHARE_TTL_S,
      }),
    ),

  createEvalRun: authedProcedure
    .meta({ access: "owner" })
    .input(ZCreateEvalRunInput)
    .output(ZEvalRun)
    .mutation(({ ctx, input }) =>
      createEvalRun({ db: ctx.services.db, userId: ctx.auth.userId, name: input.name, version: input.version, status: input.status, notes: input.notes }),
    ),

  updateEvalRun: authedProcedure
    // The log's 5M characters, at up to three UTF-8 bytes each.
    .meta({ access: "owner", maxBodyBytes: 3 * 5_000_000 + JSON_ENVELOPE_BYTES })
    .input(ZUpdateEvalRunInput)
    .output(ZEvalRun)
    .mutation(({ ctx, input }) =>
      updateEvalRun({
        db: ctx.services.db,
        blobs: ctx.services.blobs,
        quotaBytes: ctx.services.config.devices.storageQuotaBytes,
        userId: ctx.auth.userId,
        runId: input.id,
        status: input.status,
        score: input.score,
        log: input.log,
        notes: input.notes,
      }),
    ),
});
