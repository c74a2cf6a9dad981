import { and, asc, eq, gt, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/connection.ts";
import { sessionEvents } from "../../../db/schema/index.ts";
import type { EventBus } from "../../platform/events/types.ts";

/** The documented lifecycle events, in order, plus `error`. */
export const SESSION_EVENT_TYPES = ["redroid_starting", "adb_handshake", "gateway_starting", "active", "ended", "error"] as const;
export type SessionEventType = (typeof SESSION_EVENT_TYPES)[number];
export const TERMINAL_EVENTS: ReadonlySet<string> = new Set(["ended", "error"]);

export interface SessionEvent {
  id: string;
  type: string;
  session_id: string;
  at: string;
  data: Record<string, unknown> | null;
}

/**
 * The table is the truth; the bus only says when to look. A stream re-reads it when the bus
 * reports a resubscription (Redis drops what is published while its subscriber reconnects),
 * checked every GAP_CHECK_MS, and in any case after RECHECK_MS of quiet.
 */
const GAP_CHECK_MS = 2_000;
const RECHECK_MS = 30_000;

export function sessionTopic(sessionId: string): string {
  return `session:${sessionId}`;
}

/**
 * Appends the next numbered event and publishes it, so live streams on every replica and replays
 * from the table see the same ids.
 */
export async function appendSessionEvent(
  deps: { db: DbOrTx; bus: EventBus },
  sessionId: string,
  type: SessionEventType,
  data: Record<string, unknown> | null = null,
): Promise<SessionEvent> {
  for (let attempt = 0; ; attempt++) {
    try {
      const [row] = await deps.db
        .insert(sessionEvents)
        .values({
          sessionId,
          seq: sql`(select coalesce(max(${sessionEvents.seq}), 0) + 1 from ${sessionEvents} where ${sessionEvents.sessionId} = ${sessionId})`,
          type,
          data,
        })
        .returning();
      const event = toEvent(row as typeof sessionEvents.$inferSelect);
      await deps.bus.publish(sessionTopic(sessionId), event);
      return event;
    } catch (error) {
      // Two writers raced for the same number: take the next one.
      if (attempt < 5 && /duplicate key|unique/i.test(String((error as Error).message ?? error))) continue;
      throw error;
    }
  }
}

export async function listSessionEvents(db: DbOrTx, sessionId: string, afterSeq = 0): Promise<SessionEvent[]> {
  const rows = await db
    .select()
    .from(sessionEvents)
    .where(and(eq(sessionEvents.sessionId, sessionId), gt(sessionEvents.seq, afterSeq)))
    .orderBy(asc(sessionEvents.seq));
  return rows.map(toEvent);
}

/**
 * History after `afterSeq`, then live events, without gaps or repeats: the live subscription is
 * opened before the history is read, and anything already replayed is skipped by number. Ends
 * after a terminal event or when `signal` aborts.
 */
export async function* streamSessionEvents(deps: {
  db: DbOrTx;
  bus: EventBus;
  sessionId: string;
  afterSeq: number;
  signal: AbortSignal;
}): AsyncGenerator<SessionEvent> {
  const live = deps.bus.stream(sessionTopic(deps.sessionId), deps.signal);
  let last = deps.afterSeq;
  try {
    // Live before the history read: an event appended meanwhile is in one or the other.
    await live.ready;
    for (const event of await listSessionEvents(deps.db, deps.sessionId, last)) {
      yield event;
      last = Number(event.id);
      if (TERMINAL_EVENTS.has(event.type)) return;
    }
    let pending: Promise<IteratorResult<unknown>> | undefined;
    let resubscriptions = deps.bus.resubscriptions;
    let lastRead = Date.now();
    while (!deps.signal.aborted) {
      pending ??= live.next();
      const next = await Promise.race([pending, Bun.sleep(GAP_CHECK_MS).then(() => null)]);
      const fromTable: SessionEvent[] = [];
      if (next === null) {
        if (deps.bus.resubscriptions === resubscriptions && Date.now() - lastRead < RECHECK_MS) continue;
        resubscriptions = deps.bus.resubscriptions;
        lastRead = Date.now();
        fromTable.push(...(await listSessionEvents(deps.db, deps.sessionId, last)));
      } else {
        lastRead = Date.now();
        pending = undefined;
        if (next.done) return;
        const event = next.value as SessionEvent;
        if (Number(event.id) <= last) continue;
        // A gap means this reader missed some: fill it from the table.
        if (Number(event.id) > last + 1) fromTable.push(...(await listSessionEvents(deps.db, deps.sessionId, last)));
        else fromTable.push(event);
      }
      for (const event of fromTable) {
        if (Number(event.id) <= last) continue;
        yield event;
        last = Number(event.id);
        if (TERMINAL_EVENTS.has(event.type)) return;
      }
    }
  } finally {
    await live.return();
  }
}

function toEvent(row: typeof sessionEvents.$inferSelect): SessionEvent {
  return {
    id: String(row.seq),
    type: row.type,
    session_id: row.sessionId,
    at: row.at.toISOString(),
    data: (row.data as Record<string, unknown> | null) ?? null,
  };
}
