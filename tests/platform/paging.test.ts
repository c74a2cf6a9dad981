import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { desc, eq, inArray, sql } from "drizzle-orm";
import { integer, pgTable } from "drizzle-orm/pg-core";
import { timestamptz } from "../../db/schema/columns.ts";
import { AppError } from "../../src/platform/errors.ts";
import { decodeCursor, encodeCursor, pageByCursor, type CursorPosition } from "../../src/platform/paging/index.ts";
import { json, startTestPlatform, type TestPlatform } from "../support/harness.ts";
import { createFixtureNotes, fixtureNotes, pagingFixtureRouter } from "./fixtures/paging-router.ts";

let t: TestPlatform;

/**
 * 60 notes for "ada": groups of three share one instant to the microsecond (ties broken by id),
 * and neighbouring groups are a microsecond apart, so a page boundary inside one millisecond
 * would repeat or skip rows if the cursor kept only milliseconds. Plus 5 notes of another owner.
 */
const ADA_NOTES = 60;
beforeAll(async () => {
  t = await startTestPlatform({ router: pagingFixtureRouter });
  const db = t.platform.services.db;
  await createFixtureNotes(db);
  const base = Date.parse("2026-01-01T00:00:00.000Z");
  const rows = Array.from({ length: ADA_NOTES }, (_, n) => ({
    id: `note_${String(n).padStart(3, "0")}`,
    owner: "ada",
    createdAt: new Date(base + Math.floor(n / 30)),
  }));
  await db.insert(fixtureNotes).values([...rows, ...Array.from({ length: 5 }, (_, n) => ({ id: `other_${n}`, owner: "bob", createdAt: new Date(base) }))]);
  // Microseconds that a JS Date cannot carry: groups of three, one microsecond apart.
  for (let n = 0; n < ADA_NOTES; n += 3) {
    const group = [n, n + 1, n + 2].map((m) => `note_${String(m).padStart(3, "0")}`);
    await db
      .update(fixtureNotes)
      .set({ createdAt: sql`${fixtureNotes.createdAt} + ${`${(n / 3) % 10} microseconds`}::interval` })
      .where(inArray(fixtureNotes.id, group));
  }
});
afterAll(() => t.stop());

type NotesPage = { notes: Array<{ id: string; owner: string }>; next_cursor: string | null };

async function walk(query: string): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const res = await t.request(`/api/jobs/fixture-notes?owner=ada&${query}${cursor ? `&cursor=${cursor}` : ""}`);
    expect(res.status).toBe(200);
    const page = await json<NotesPage>(res);
    ids.push(...page.notes.map((note) => note.id));
    cursor = page.next_cursor;
    pages += 1;
  } while (cursor && pages < 100);
  return { ids, pages };
}

describe("cursor lists (market form: { notes, next_cursor })", () => {
  test("walking next_cursor returns every row once, newest first, across microsecond ties", async () => {
    const { ids, pages } = await walk("limit=7");
    expect(pages).toBe(Math.ceil(ADA_NOTES / 7));
    expect(new Set(ids).size).toBe(ADA_NOTES);
    expect(ids.length).toBe(ADA_NOTES);
    const expected = await t.platform.services.db
      .select({ id: fixtureNotes.id })
      .from(fixtureNotes)
      .where(eq(fixtureNotes.owner, "ada"))
      .orderBy(desc(fixtureNotes.createdAt), desc(fixtureNotes.id));
    expect(ids).toEqual(expected.map((row) => row.id));
  });

  test("oldest first walks the same rows in the other order; the default limit is 25", async () => {
    const newest = await walk("limit=11");
    const oldest = await walk("limit=11&order=oldest");
    expect(oldest.ids).toEqual([...newest.ids].reverse());
    const first = await json<NotesPage>(await t.request("/api/jobs/fixture-notes?owner=ada"));
    expect(first.notes.length).toBe(25);
    expect(first.next_cursor).toEqual(expect.any(String));
  });

  test("the last page says so with next_cursor null; another owner's rows never appear", async () => {
    const all = await json<NotesPage>(await t.request("/api/jobs/fixture-notes?owner=bob&limit=100"));
    expect(all.notes.map((n) => n.owner)).toEqual(["bob", "bob", "bob", "bob", "bob"]);
    expect(all.next_cursor).toBeNull();
  });

  test("limits outside 1..100 and bad cursors are the surface's 400, never a 500", async () => {
    const day30Feb = encodeCursor({ createdAt: "2026-02-30T00:00:00.000000Z", id: "note_001" });
    const numberForTextId = encodeCursor({ createdAt: "2026-01-01T00:00:00.000000Z", id: 5 });
    const wrongVersion = Buffer.from(JSON.stringify([2, "2026-01-01T00:00:00.000000Z", "x"])).toString("base64url");
    const badTime = Buffer.from(JSON.stringify([1, "yesterday", "x"])).toString("base64url");
    const injected = Buffer.from(JSON.stringify([1, "2026-01-01T00:00:00.000000Z", "x') or 1=1 --"])).toString("base64url");
    for (const query of [
      "limit=0",
      "limit=101",
      "limit=abc",
      "cursor=",
      "cursor=not%20base64!",
      `cursor=${"A".repeat(600)}`,
      `cursor=${day30Feb}`,
      `cursor=${numberForTextId}`,
      `cursor=${wrongVersion}`,
      `cursor=${badTime}`,
      `cursor=${injected}`,
      "cursor=e30",
    ]) {
      const res = await t.request(`/api/jobs/fixture-notes?owner=ada&${query}`);
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
      const body = await json(res);
      expect(typeof body.error).toBe("string");
    }
  });
});

type HostingPage = { data: Array<{ id: string }>; pagination: { current_page: number; total_pages: number; total_count: number; per_page: number } };

describe("numbered pages (hosting form: { data, pagination })", () => {
  test("page and per_page give the documented pagination object", async () => {
    const res = await t.request("/api/v1/fixture-notes?owner=ada&page=2&per_page=25");
    expect(res.status).toBe(200);
    const body = await json<HostingPage>(res);
    expect(body.pagination).toEqual({ current_page: 2, total_pages: 3, total_count: ADA_NOTES, per_page: 25 });
    expect(body.data.length).toBe(25);
    const last = await json<HostingPage>(await t.request("/api/v1/fixture-notes?owner=ada&page=3&per_page=25"));
    expect(last.data.length).toBe(10);
    const firstIds = (await json<HostingPage>(await t.request("/api/v1/fixture-notes?owner=ada"))).data.map((n) => n.id);
    expect(new Set([...firstIds, ...body.data.map((n) => n.id), ...last.data.map((n) => n.id)]).size).toBe(ADA_NOTES);
  });

  test("defaults are page 1 of 25; past the end is an empty page; nothing is page 1 of 0", async () => {
    const first = await json<HostingPage>(await t.request("/api/v1/fixture-notes?owner=ada"));
    expect(first.pagination).toEqual({ current_page: 1, total_pages: 3, total_count: ADA_NOTES, per_page: 25 });
    const beyond = await json<HostingPage>(await t.request("/api/v1/fixture-notes?owner=ada&page=9"));
    expect(beyond).toEqual({ data: [], pagination: { current_page: 9, total_pages: 3, total_count: ADA_NOTES, per_page: 25 } });
    const none = await json<HostingPage>(await t.request("/api/v1/fixture-notes?owner=nobody"));
    expect(none).toEqual({ data: [], pagination: { current_page: 1, total_pages: 0, total_count: 0, per_page: 25 } });
  });

  test("bad page values are hosting's 422 unprocessable_entity naming the field", async () => {
    for (const [query, field] of [["page=0", "page"], ["page=-1", "page"], ["page=1.5", "page"], ["page=x", "page"], ["page=100001", "page"], ["per_page=0", "per_page"], ["per_page=101", "per_page"]] as const) {
      const res = await t.request(`/api/v1/fixture-notes?owner=ada&${query}`);
      expect({ query, status: res.status }).toEqual({ query, status: 422 });
      const body = await json<{ error: { code: string; details: Record<string, string> } }>(res);
      expect(body.error.code).toBe("unprocessable_entity");
      expect(Object.keys(body.error.details)).toContain(field);
    }
  });
});

describe("integer ids and the document", () => {
  const counters = pgTable("fixture_counters", { id: integer("id").primaryKey(), createdAt: timestamptz("created_at").notNull() });

  test("a keyset over an integer id pages with numeric cursors; a text id in its cursor is a validation error", async () => {
    const db = t.platform.services.db;
    await db.execute(sql`create table if not exists fixture_counters (id integer primary key, created_at timestamptz not null)`);
    await db.insert(counters).values(Array.from({ length: 9 }, (_, n) => ({ id: n + 1, createdAt: new Date(Date.parse("2026-01-01T00:00:00Z") + (n % 2)) })));
    const query = { table: counters, createdAt: counters.createdAt, id: counters.id };
    const seen: number[] = [];
    let after: CursorPosition | undefined;
    for (let n = 0; n < 5; n++) {
      const page = await pageByCursor(db, query, { limit: 2, after });
      seen.push(...page.items.map((row) => row.id));
      if (!page.nextCursor) break;
      after = decodeCursor(page.nextCursor);
      expect(typeof after?.id).toBe("number");
    }
    expect(seen).toEqual([8, 6, 4, 2, 9, 7, 5, 3, 1]);
    const textId = { createdAt: "2026-01-01T00:00:00.000000Z", id: "7" };
    const failure = await pageByCursor(db, query, { limit: 2, after: textId }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AppError);
    expect((failure as AppError).code).toBe("VALIDATION");
  });

  test("/openapi.json documents the paging query parameters with their bounds", async () => {
    const doc = await json<{ paths: Record<string, Record<string, { parameters?: Array<{ name: string; schema: Record<string, unknown> }> }>> }>(await t.request("/openapi.json"));
    const cursorParams = doc.paths["/api/jobs/fixture-notes"]?.get?.parameters ?? [];
    expect(cursorParams.find((p) => p.name === "limit")?.schema).toMatchObject({ type: "integer", minimum: 1, maximum: 100, default: 25 });
    expect(cursorParams.find((p) => p.name === "cursor")?.schema).toMatchObject({ type: "string", maxLength: 512 });
    const pageParams = doc.paths["/api/v1/fixture-notes"]?.get?.parameters ?? [];
    expect(pageParams.find((p) => p.name === "per_page")?.schema).toMatchObject({ type: "integer", minimum: 1, maximum: 100, default: 25 });
    expect(pageParams.find((p) => p.name === "page")?.schema).toMatchObject({ type: "integer", minimum: 1, default: 1 });
  });
});

