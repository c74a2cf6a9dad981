import { tracked } from "@trpc/server";
import { authedProcedure } from "../../../trpc/procedures.ts";
import type { JobLogEvent } from "../logs.ts";
import { openJobLog } from "../log-stream.ts";
import { ZStreamJobLogsInput } from "./stream-job-logs.types.ts";

export const streamJobLogs = authedProcedure
  .meta({
    access: "owner",
    rest: {
      method: "GET",
      path: "/api/jobs/:id/logs",
      surface: "market",
      summary: "Stream verification logs (SSE)",
      description:
        "Server-Sent Events, `event:` log | verdict | status: the verifier's lines as they happen and the job's status changes. Each event has an id; reconnect with Last-Event-ID to replay what was missed. A finished job's stream replays its history and closes. The poster and the worker holding the job may read it.",
      auth: ["bearer", "cookie"],
      sseEventField: "type",
    },
  })
  .input(ZStreamJobLogsInput)
  .subscription(async ({ ctx, input, signal }) => {
    const events = await openJobLog(ctx.services, { userId: ctx.auth.userId, jobId: input.id, afterSeq: Number(input.lastEventId ?? 0), signal });
    return tracking(events);
  });

/** Each event under its id, so tRPC and the REST stream send it as the SSE id (Last-Event-ID). */
async function* tracking(events: AsyncGenerator<JobLogEvent>) {
  for await (const event of events) yield tracked(event.id, event);
}
