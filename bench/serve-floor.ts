/**
 * The floor under a REST database read: a bare `Bun.serve` answering `GET /health` with the
 * platform's own health service (`checkHealth`: one `select 1` through the same database handle),
 * and nothing else — no routing, context, limits, validation or envelope. The gap between this
 * case and `rest-health` is what the platform's HTTP stack costs. Prints its URL when ready.
 */
import { openDatabase } from "../db/connection.ts";
import { databaseTarget } from "../db/target.ts";
import { loadConfig } from "../src/config/index.ts";
import { checkHealth } from "../src/domains/health/service.ts";
import { holdLifeline, READY_PREFIX } from "./lifeline.ts";

const config = loadConfig(process.env);
const database = await openDatabase(databaseTarget(config));

const server = Bun.serve({
  hostname: "127.0.0.1",
  port: Number(process.env.PORT ?? 0),
  idleTimeout: 0,
  fetch: async () => Response.json(await checkHealth({ database })),
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
