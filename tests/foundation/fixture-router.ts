import { tracked } from "@trpc/server";
import { z } from "zod";
import { appRouter } from "../../src/router.ts";
import { AppError } from "../../src/platform/errors.ts";
import { router } from "../../src/trpc/init.ts";
import { publicProcedure } from "../../src/trpc/procedures.ts";

/**
 * Procedures that exercise the REST adapter on every surface: path/query coercion, bodies,
 * statuses, envelopes, errors and SSE. Mounted beside the real router in adapter tests only.
 */
const ZWidget = z.object({ id: z.number().int(), name: z.string(), size: z.number().int() });

export const fixtureRouter = router({
  ...appRouter._def.record,
  fixture: router({
    widget: publicProcedure
      .meta({ access: "public", rest: { method: "GET", path: "/api/v1/fixture-widgets/:id", surface: "hosting" } })
      .input(z.object({ id: z.number().int().positive(), verbose: z.boolean().optional() }))
      .output(ZWidget.extend({ verbose: z.boolean() }))
      .query(({ input }) => {
        if (input.id === 404) throw new AppError("NOT_FOUND", "Widget not found");
        return { id: input.id, name: `w${input.id}`, size: 1, verbose: input.verbose ?? false };
      }),
    widgets: publicProcedure
      .meta({ access: "public", rest: { method: "GET", path: "/api/v1/fixture-widgets", surface: "hosting", list: true } })
      .input(z.object({ page: z.number().int().min(1).default(1), per_page: z.number().int().min(1).max(100).default(25), tags: z.array(z.string()).optional() }))
      .query(({ input }) => ({
        items: [{ id: input.page, name: (input.tags ?? []).join(","), size: input.per_page }],
        pagination: { current_page: input.page, total_pages: 3, total_count: 52, per_page: input.per_page },
      })),
    createWidget: publicProcedure
      .meta({ access: "public", rest: { method: "POST", path: "/api/v1/fixture-widgets", surface: "hosting", status: 201 } })
      .input(z.object({ name: z.string().min(1), size: z.number().int().min(1) }))
      .output(ZWidget)
      .mutation(({ input }) => ({ id: 7, ...input })),
    deleteWidget: publicProcedure
      .meta({ access: "public", rest: { method: "DELETE", path: "/api/v1/fixture-widgets/:id", surface: "hosting", status: 204 } })
      .input(z.object({ id: z.number().int() }))
      .mutation(() => undefined),
    pay: publicProcedure
      .meta({ access: "public", rest: { method: "POST", path: "/api/jobs/fixture/:id/pay", surface: "market" } })
      .input(z.object({ id: z.string().regex(/^job_/), amount_cents: z.number().int().positive() }))
      .mutation(({ input }) => {
        throw new AppError("PAYMENT_REQUIRED", `Insufficient balance for ${input.amount_cents} cents`);
      }),
    echo: publicProcedure
      .meta({ access: "public", rest: { method: "GET", path: "/api/jobs/fixture-echo/:id", surface: "market" } })
      .input(z.object({ id: z.string() }))
      .query(({ input }) => ({ id: input.id })),
    // Two inputs (merged in order) and an async refinement: the REST adapter's own validators.
    tagged: publicProcedure
      .meta({ access: "public", rest: { method: "POST", path: "/api/jobs/fixture-tagged/:id", surface: "market" } })
      .input(z.object({ id: z.string() }))
      .input(z.object({ tag: z.string().refine(async (tag) => tag !== "taken", "tag is taken") }))
      .output(z.object({ id: z.string(), tag: z.string() }))
      .mutation(({ input }) => ({ id: input.id, tag: input.tag })),
    badOutput: publicProcedure
      .meta({ access: "public", rest: { method: "GET", path: "/api/v1/fixture-bad-output", surface: "hosting" } })
      .output(ZWidget)
      .query(() => ({ id: "not a number", name: "w", size: 1 }) as unknown as z.infer<typeof ZWidget>),
    rename: publicProcedure
      .meta({ access: "public", rest: { method: "PATCH", path: "/api/account/fixture", surface: "mobile" } })
      .input(z.object({ display_name: z.string().min(1).max(40), session_timeout_min: z.number().int().min(5).max(240).optional() }))
      .mutation(({ input }) => ({ display_name: input.display_name })),
    crash: publicProcedure
      .meta({ access: "public", rest: { method: "GET", path: "/status/fixture-crash", surface: "compute" } })
      .query((): never => {
        throw new Error("database password is hunter2");
      }),
    busy: publicProcedure
      .meta({ access: "public", rest: { method: "GET", path: "/api/sandboxes/fixture-busy", surface: "workspaces" } })
      .query((): never => {
        throw new AppError("UNAVAILABLE", "No capacity", undefined, { "retry-after": "30" });
      }),
    countdown: publicProcedure
      .meta({ access: "public", rest: { method: "GET", path: "/api/sessions/fixture/stream", surface: "mobile", sseEventField: "type" } })
      .input(z.object({ to: z.number().int().min(1).max(50).default(5), lastEventId: z.string().optional() }))
      .subscription(async function* ({ input }) {
        for (let n = Number(input.lastEventId ?? 0) + 1; n <= input.to; n++) {
          yield tracked(String(n), { type: n === input.to ? "ended" : "tick", n });
        }
      }),
  }),
});
