import { tracked } from "@trpc/server";
import type { AuthScheme } from "../../trpc/meta.ts";
import { router } from "../../trpc/init.ts";
import { authedProcedure } from "../../trpc/procedures.ts";
import type { Context } from "../../trpc/context.ts";
import type { SessionEvent } from "./events.ts";
import { gatewayProcedures } from "./gateway-router.ts";
import { requireOwnSession, toSessionResponse } from "./records.ts";
import { endSession, openSessionEvents, startSession } from "./service.ts";
import { ZSessionEventsInput, ZSessionIdInput, ZSessionResponse } from "./sessions.types.ts";

const bearer: AuthScheme[] = ["bearer"];

function baseUrlOf(ctx: Context): string {
  return ctx.services.baseUrl();
}

export const sessionsRouter = router({
  create: authedProcedure
    .meta({
      access: "user",
      rest: {
        method: "POST",
        path: "/api/sessions",
        surface: "mobile",
        status: 201,
        summary: "Allocate a device and start a session",
        description:
          "Limits: 1 active session and 5 per hour per user, and DEVICE_PER_IP (default 2) live sessions per client address whatever the accounts (429); no capacity or engine down (503).",
        auth: bearer,
        errors: {
          429: "A session is already live, SESSIONS_PER_HOUR (default 5) were started in the last hour, or DEVICE_PER_IP (default 2) sessions requested from this client address are live; Retry-After says when to try again.",
          503: "No device capacity, or the container engine is not reachable; Retry-After: 30.",
        },
      },
    })
    .output(ZSessionResponse)
    .mutation(async ({ ctx }) => toSessionResponse(await startSession(ctx.services, ctx.auth.userId, ctx.request.ip), baseUrlOf(ctx))),

  get: authedProcedure
    .meta({ access: "owner", rest: { method: "GET", path: "/api/sessions/:id", surface: "mobile", summary: "Fetch a session's current state", auth: bearer } })
    .input(ZSessionIdInput)
    .output(ZSessionResponse)
    .query(async ({ ctx, input }) => toSessionResponse(await requireOwnSession(ctx.services.db, input.id, ctx.auth.userId), baseUrlOf(ctx))),

  end: authedProcedure
    .meta({
      access: "owner",
      rest: {
        method: "DELETE",
        path: "/api/sessions/:id",
        surface: "mobile",
        summary: "End a session: skills sync, the container is destroyed, the workspace is wiped",
        description: "If the skill sync fails the session stays `ending` (sync_status `retrying`) and nothing is destroyed until a retried sync succeeds.",
        auth: bearer,
      },
    })
    .input(ZSessionIdInput)
    .output(ZSessionResponse)
    .mutation(async ({ ctx, input }) => toSessionResponse(await endSession(ctx.services, ctx.auth.userId, input.id), baseUrlOf(ctx))),

  events: authedProcedure
    .meta({
      access: "owner",
      rest: {
        method: "GET",
        path: "/api/sessions/:id/stream",
        surface: "mobile",
        summary: "Server-Sent Events: redroid_starting → adb_handshake → gateway_starting → active → ended (or error)",
        description: "Each event has an id; reconnect with Last-Event-ID to replay what was missed. A finished session's stream replays its history and closes.",
        auth: bearer,
        sseEventField: "type",
        errors: { 429: "The user already has SESSION_STREAMS_PER_USER (default 20) streams open." },
      },
    })
    .input(ZSessionEventsInput)
    .subscription(async ({ ctx, input, signal }) => {
      const events = await openSessionEvents(ctx.services, {
        userId: ctx.auth.userId,
        sessionId: input.id,
        afterSeq: Number(input.lastEventId ?? 0),
        signal,
      });
      return tracking(events);
    }),

  ...gatewayProcedures,
});

/** Each event under its id, so tRPC and the REST stream send it as the SSE id (Last-Event-ID). */
async function* tracking(events: AsyncGenerator<SessionEvent>) {
  for await (const event of events) yield tracked(event.id, event);
}
