import { JSON_ENVELOPE_BYTES } from "../../../trpc/meta.ts";
import { authedProcedure } from "../../../trpc/procedures.ts";
import { MAX_OUTPUT_BYTES } from "../../verify/index.ts";
import { marketDeps } from "../deps.ts";
import { ZJob, ZSubmitInput } from "../jobs.types.ts";
import { submitJob as step } from "../service.ts";

export const submitJob = authedProcedure
  .meta({
    access: "owner",
    maxBodyBytes: MAX_OUTPUT_BYTES + JSON_ENVELOPE_BYTES,
    rest: {
      method: "POST",
      path: "/api/jobs/:id/submit",
      surface: "market",
      summary: "Submit output",
      description: "Delivers the output of an accepted job and queues its verification; follow it on GET /api/jobs/:id/logs. Verified: the escrow pays you the price minus the platform fee. Not: the attempt counts and the job reopens, or fails after its last attempt.",
      auth: ["bearer", "cookie"],
      errors: { 400: "Invalid transition: the job is not in a state this step leaves from (its state named).", 403: "Only the worker holding the job may do this (the poster may not)." },
    },
  })
  .input(ZSubmitInput)
  .output(ZJob)
  .mutation(({ ctx, input }) => step(marketDeps(ctx.services), ctx.auth.userId, input));
