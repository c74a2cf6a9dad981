import type { Services } from "../../platform/services.ts";
import { canonicalIp } from "../../platform/rate-limit/keys.ts";
import { admitSession } from "./admission.ts";
import { ALLOCATE_QUEUE } from "./allocate.ts";
import { streamSessionEvents, type SessionEvent } from "./events.ts";
import { FINISH_QUEUE, finishSession } from "./finish.ts";
import { requireOwnSession } from "./records.ts";

/** POST /api/sessions: admit, then allocate on the durable queue (a crash mid-way resumes on restart). */
export async function startSession(services: Services, userId: string, clientIp: string) {
  const session = await admitSession({
    db: services.db,
    containers: services.containers,
    userId,
    clientIp: canonicalIp(clientIp),
    perHour: services.config.devices.sessionsPerHour,
    perIp: services.config.devices.perIp,
    capacity: services.config.devices.capacity,
    // Queued in the same transaction: the reconciler fails a starting session that has no job.
    onAdmitted: (tx, admitted) =>
      services.queue.enqueue({ queue: ALLOCATE_QUEUE, key: admitted.id, payload: { sessionId: admitted.id }, maxAttempts: 3 }, tx),
  });
  services.queue.wake(ALLOCATE_QUEUE);
  services.logger.info("session requested", { sessionId: session.id, userId, driver: session.driver });
  return session;
}

/** DELETE /api/sessions/:id: sync, destroy, wipe — or, if the sync fails, keep it all and retry on the queue. */
export async function endSession(services: Services, userId: string, sessionId: string, reason = "ended by user") {
  await requireOwnSession(services.db, sessionId, userId);
  await services.modules.sessions.gateway.forget(sessionId);
  const outcome = await finishSession(services, sessionId, reason);
  if (outcome === "sync_failed") {
    await services.queue.enqueue({ queue: FINISH_QUEUE, key: `${sessionId}:finish`, payload: { sessionId, reason }, maxAttempts: 20 });
  }
  return requireOwnSession(services.db, sessionId, userId);
}

/**
 * GET /api/sessions/:id/stream: the owner's event stream, history after `afterSeq` then live.
 * Ownership and the per-user stream limit are checked here, before anything streams, so a stranger
 * gets a 404 and one stream too many a 429. The slot is freed when the stream ends, or when
 * `signal` aborts first (a client gone before the first pull never runs the stream's body).
 */
export async function openSessionEvents(
  services: Services,
  input: { userId: string; sessionId: string; afterSeq: number; signal: AbortSignal | undefined },
): Promise<AsyncGenerator<SessionEvent>> {
  await requireOwnSession(services.db, input.sessionId, input.userId);
  const release = services.sessionStreams.acquire(input.userId);
  input.signal?.addEventListener("abort", release, { once: true });
  const stop = AbortSignal.any([services.shutdownSignal, ...(input.signal ? [input.signal] : [])]);
  const events = streamSessionEvents({ db: services.db, bus: services.bus, sessionId: input.sessionId, afterSeq: input.afterSeq, signal: stop });
  return (async function* () {
    try {
      yield* events;
    } finally {
      release();
    }
  })();
}
