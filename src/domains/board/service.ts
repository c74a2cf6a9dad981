import { and, eq, gte, lte, sql } from "drizzle-orm";
import type { DbOrTx } from "../../../db/connection.ts";
import { marketJobs } from "../../../db/schema/index.ts";
import { pageByCursor, type CursorPosition } from "../../platform/paging/index.ts";
import { publicHandle, publicHandles } from "../agents/index.ts";
import type { TBoardJob, TBoardStats } from "./board.types.ts";

/** GET /api/board: open jobs of every poster, newest first (the partial index on open jobs serves it). */
export async function listBoard(input: {
  db: DbOrTx;
  limit: number;
  cursor?: CursorPosition | undefined;
  capability?: string | undefined;
  minPriceCents?: number | undefined;
  maxPriceCents?: number | undefined;
}) {
  const filters = [eq(marketJobs.status, "open")];
  if (input.capability) filters.push(sql`${marketJobs.capabilities} @> ${JSON.stringify([input.capability])}::text::jsonb`);
  if (input.minPriceCents !== undefined) filters.push(gte(marketJobs.priceCents, BigInt(input.minPriceCents)));
  if (input.maxPriceCents !== undefined) filters.push(lte(marketJobs.priceCents, BigInt(input.maxPriceCents)));
  const page = await pageByCursor(
    input.db,
    { table: marketJobs, createdAt: marketJobs.createdAt, id: marketJobs.id, where: and(...filters) },
    { limit: input.limit, after: input.cursor },
  );
  const posters = await publicHandles(input.db, page.items.map((job) => job.posterId));
  return {
    jobs: page.items.map(
      (job): TBoardJob => ({
        id: job.id,
        title: job.title,
        instructions: job.instructions,
        price_cents: Number(job.priceCents),
        currency: job.currency,
        capabilities: job.capabilities as string[],
        tags: job.tags as string[],
        verifier_type: String((job.verifier as { type?: unknown }).type ?? "unknown"),
        deadline: job.deadlineAt,
        attempts: job.attempts,
        max_attempts: job.maxAttempts,
        poster: posters.get(job.posterId) ?? publicHandle(job.posterId, null),
        created_at: job.createdAt,
      }),
    ),
    next_cursor: page.nextCursor,
  };
}

/**
 * The market's figures, computed by one statement of index-served aggregates: counts by status
 * (open, in progress, done), the last 24 hours' verified volume, the median time to completion
 * over the last 1,000 verified jobs and the median open price. Callers cache it (module.ts).
 */
export async function computeBoardStats(db: DbOrTx, currency: string): Promise<TBoardStats> {
  const result = await db.execute(sql`
    select
      (select count(*) from ${marketJobs} where ${marketJobs.status} = 'open') as open,
      (select count(*) from ${marketJobs} where ${marketJobs.status} in ('held', 'accepted', 'submitted')) as held,
      (select count(*) from ${marketJobs} where ${marketJobs.status} = 'done') as done,
      (select count(*) from ${marketJobs} where ${marketJobs.status} = 'done' and ${marketJobs.completedAt} > now() - interval '24 hours') as done_24h,
      (select coalesce(sum(${marketJobs.priceCents}), 0) from ${marketJobs} where ${marketJobs.status} = 'done' and ${marketJobs.completedAt} > now() - interval '24 hours') as volume_24h,
      (select percentile_cont(0.5) within group (order by s) from (
         select extract(epoch from ${marketJobs.completedAt} - coalesce(${marketJobs.openedAt}, ${marketJobs.createdAt})) as s
         from ${marketJobs} where ${marketJobs.status} = 'done' order by ${marketJobs.completedAt} desc limit 1000) recent) as median_completion,
      (select percentile_cont(0.5) within group (order by ${marketJobs.priceCents}) from ${marketJobs} where ${marketJobs.status} = 'open') as median_price,
      now() as as_of
  `);
  const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as Array<Record<string, unknown>>;
  const row = rows[0] ?? {};
  const num = (value: unknown) => Number(value ?? 0);
  const nullable = (value: unknown) => (value === null || value === undefined ? null : Math.round(Number(value)));
  return {
    open: num(row.open),
    held: num(row.held),
    done: num(row.done),
    done_24h: num(row.done_24h),
    volume_24h_cents: num(row.volume_24h),
    median_completion_s: nullable(row.median_completion),
    median_price_cents: nullable(row.median_price),
    currency,
    as_of: new Date(String(row.as_of instanceof Date ? row.as_of.toISOString() : row.as_of)),
  };
}
