/**
 * The floors under the platform's database-backed routes: a bare `Bun.serve` doing the same
 * database work through the platform's own database handle, and nothing else — no routing,
 * context, limits, validation or envelope. The gap between a floor and its platform case is what
 * the platform's HTTP stack costs. Prints its URL when ready.
 * - `GET /health`: the platform's health service (`checkHealth`: one `select 1`).
 * - `GET /api/account/me` with `Authorization: Bearer <API key>`: the two queries an
 *   authenticated read costs (the key's hash → the key and its user; the account's primary key),
 *   sent bare through the same handle's driver (Bun SQL on PostgreSQL), answered with the same
 *   profile fields.
 */
import { openDatabase } from "../db/connection.ts";
import { databaseTarget } from "../db/target.ts";
import { loadConfig } from "../src/config/index.ts";
import { checkHealth } from "../src/domains/health/service.ts";
import { hashToken } from "../src/platform/tokens.ts";
import { holdLifeline, READY_PREFIX } from "./lifeline.ts";

const config = loadConfig(process.env);
const database = await openDatabase(databaseTarget(config));

type Row = Record<string, unknown>;
interface FloorQueries {
  keyUser(hash: string): Promise<Row[]>;
  primaryKey(userId: unknown, now: Date): Promise<Row[]>;
}
/** The same handle's driver: Bun SQL's tagged templates (prepared) on PostgreSQL, PGlite's `query` otherwise. */
const client = (database.db as unknown as { $client: unknown }).$client;
const floor: FloorQueries =
  database.kind === "postgres"
    ? (() => {
        const sql = client as (strings: TemplateStringsArray, ...values: unknown[]) => Promise<Row[]>;
        return {
          keyUser: (hash) =>
            sql`select u.id, u.email, u.display_name, u.recording_opt_in, u.session_timeout_min, u.role, u.created_at
                from api_keys k join users u on u.id = k.user_id where k.key_hash = ${hash} and k.revoked_at is null limit 1`,
          primaryKey: (userId, now) =>
            sql`select prefix, created_at from api_keys where user_id = ${userId} and "primary" = true and revoked_at is null
                and (expires_at is null or expires_at > ${now}) order by created_at desc limit 1`,
        };
      })()
    : (() => {
        const pglite = client as { query(text: string, params: unknown[]): Promise<{ rows: Row[] }> };
        const run = async (text: string, params: unknown[]) => (await pglite.query(text, params)).rows;
        return {
          keyUser: (hash) =>
            run(
              "select u.id, u.email, u.display_name, u.recording_opt_in, u.session_timeout_min, u.role, u.created_at " +
                "from api_keys k join users u on u.id = k.user_id where k.key_hash = $1 and k.revoked_at is null limit 1",
              [hash],
            ),
          primaryKey: (userId, now) =>
            run(
              'select prefix, created_at from api_keys where user_id = $1 and "primary" = true and revoked_at is null ' +
                "and (expires_at is null or expires_at > $2) order by created_at desc limit 1",
              [userId, now],
            ),
        };
      })();

async function accountMe(request: Request): Promise<Response> {
  const header = request.headers.get("authorization") ?? "";
  const [user] = await floor.keyUser(hashToken(header.slice("Bearer ".length)));
  if (!user) return Response.json({ error: "Authentication required" }, { status: 401 });
  const [key] = await floor.primaryKey(user.id, new Date());
  return Response.json({
    id: user.id,
    email: user.email,
    display_name: user.display_name,
    recording_opt_in: user.recording_opt_in,
    session_timeout_min: user.session_timeout_min,
    role: user.role,
    created_at: user.created_at,
    api_key: key ? { prefix: key.prefix, created_at: key.created_at } : null,
  });
}

const server = Bun.serve({
  hostname: "127.0.0.1",
  port: Number(process.env.PORT ?? 0),
  idleTimeout: 0,
  routes: {
    "/health": async () => Response.json(await checkHealth({ database })),
    "/api/account/me": accountMe,
  },
  fetch: () => new Response("not found", { status: 404 }),
});

const stop = () => {
  void server
    .stop(true)
    .then(() => database.close())
    .finally(() => process.exit(0));
};
holdLifeline(stop);
process.on("SIGTERM", stop);
console.log(`${READY_PREFIX}http://127.0.0.1:${server.port}`);
