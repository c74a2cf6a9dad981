/**
 * The upstream of `bun run bench:proxy` in its own process: the tests' stand-in of Anthropic's
 * Messages API (tests/support/anthropic-stand-in.ts), keeping no requests. Its key comes from
 * BENCH_ANTHROPIC_KEY. Prints its URL when ready; stops with the runner (lifeline.ts).
 */
import { startAnthropicStandIn } from "../tests/support/anthropic-stand-in.ts";
import { holdLifeline, READY_PREFIX } from "./lifeline.ts";

const standIn = startAnthropicStandIn({ apiKey: process.env.BENCH_ANTHROPIC_KEY, record: false });
holdLifeline(() => {
  void standIn.stop().finally(() => process.exit(0));
});
process.on("SIGTERM", () => void standIn.stop().finally(() => process.exit(0)));
console.log(`${READY_PREFIX}${standIn.url}`);
