import { JSON_ENVELOPE_BYTES } from "../../../trpc/meta.ts";
import { authedProcedure } from "../../../trpc/procedures.ts";
import * as skills from "../service.ts";
import { ZEvalRun, ZUpdateEvalRunInput } from "../skills.types.ts";

export const updateEvalRun = authedProcedure
  // The log's 5M characters, at up to three UTF-8 bytes each.
  .meta({ access: "owner", maxBodyBytes: 3 * 5_000_000 + JSON_ENVELOPE_BYTES })
  .input(ZUpdateEvalRunInput)
  .output(ZEvalRun)
  .mutation(({ ctx, input }) =>
    skills.updateEvalRun({
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
  );
