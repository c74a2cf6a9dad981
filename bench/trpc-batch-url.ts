import { createTRPCUntypedClient, httpBatchLink } from "@trpc/client";
import superjson from "superjson";

/**
 * The path and query the official client (`httpBatchLink`, superjson, GET for queries) sends for
 * `calls` queries of `procedure` made in one tick: the request itself is captured, not sent.
 */
export async function batchedQueryPath(procedure: string, calls: number): Promise<string> {
  let captured: string | undefined;
  const client = createTRPCUntypedClient({
    links: [
      httpBatchLink({
        url: "http://bench.invalid/trpc",
        transformer: superjson,
        maxItems: calls,
        fetch: async (url) => {
          captured = String(url);
          throw new Error("captured");
        },
      }),
    ],
  });
  await Promise.allSettled(Array.from({ length: calls }, () => client.query(procedure)));
  if (!captured) throw new Error("httpBatchLink sent no request");
  const url = new URL(captured);
  return url.pathname + url.search;
}
