import { tracked } from "@trpc/server";
import { authedProcedure } from "../../../trpc/procedures.ts";
import type { SessionEvent } from "../events.ts";
import { openSessionEvents } from "../service.ts";
import { ZStreamSessionEventsInput } from "./stream-session-events.types.ts";

export const streamSessionEvents = authedProcedure
  .meta({
    access: "owner",
    rest: {
      method: "GET",
      path: "/api/sessions/:id/stream",
      surface: "mobile",
      summary: "Server-Sent Events: redroid_starting → adb_handshake → gateway_starting → active → ended (or error)",
      description: "Each event has an id; reconnect with Last-Event-ID to replay what was missed. A finished session's stream replays its history and closes.",
      auth: ["bearer"],
      sseEventField: "type",
      errors: { 429: "The user already has SESSION_STREAMS_PER_USER (default 20) streams open." },
    },
  })
  .input(ZStreamSessionEventsInput)
  .subscription(async ({ ctx, input, signal }) => {
    const events = await openSessionEvents(ctx.services, {
      userId: ctx.auth.userId,
      sessionId: input.id,
      afterSeq: Number(input.lastEventId ?? 0),
      signal,
    });
    return tracking(events);
  });

/** Each event under its id, so tRPC and the REST stream send it as the SSE id (Last-Event-ID). */
async function* tracking(events: AsyncGenerator<SessionEvent>) {
  for await (const event of events) yield tracked(event.id, event);
}
