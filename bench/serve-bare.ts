/** Case 1, the baseline: a bare `Bun.serve` answering a small JSON object. Prints its URL when ready. */
import { holdLifeline, READY_PREFIX } from "./lifeline.ts";

const server = Bun.serve({
  hostname: "127.0.0.1",
  port: Number(process.env.PORT ?? 0),
  idleTimeout: 0,
  fetch: () => Response.json({ status: "ok" }),
});

holdLifeline(() => {
  void server.stop(true).finally(() => process.exit(0));
});
process.on("SIGTERM", () => {
  void server.stop(true).finally(() => process.exit(0));
});
console.log(`${READY_PREFIX}http://127.0.0.1:${server.port}`);
