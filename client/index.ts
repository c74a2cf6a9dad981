/**
 * The typed client: `createClient({ url, token })` returns a tRPC proxy typed by the platform's
 * router. Queries and mutations go through a batching link; subscriptions through Server-Sent
 * Events (the `eventsource` package, which lets the token travel in a header).
 */
import { createTRPCClient, httpBatchLink, httpSubscriptionLink, splitLink } from "@trpc/client";
import { EventSource } from "eventsource";
import superjson from "superjson";
import type { AppRouter } from "../src/router.ts";

export type { AppRouter };

export interface ClientOptions {
  /** The platform's base URL, e.g. `http://localhost:3000`. */
  url: string;
  /** An API key or access token, sent as `Authorization: Bearer …`. */
  token?: string | (() => string | undefined);
  /** Extra headers on every call (a cookie, say). */
  headers?: Record<string, string>;
}

export function createClient(options: ClientOptions) {
  const endpoint = `${options.url.replace(/\/$/, "")}/trpc`;
  const headers = (): Record<string, string> => {
    const token = typeof options.token === "function" ? options.token() : options.token;
    return { ...options.headers, ...(token ? { authorization: `Bearer ${token}` } : {}) };
  };
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: httpSubscriptionLink({
          url: endpoint,
          transformer: superjson,
          EventSource,
          eventSourceOptions: () => ({
            fetch: (input, init) =>
              fetch(input, { ...init, headers: { ...init?.headers, ...headers() } }),
          }),
        }),
        // The server refuses a batch of more than 20 calls (MAX_TRPC_BATCH).
        false: httpBatchLink({ url: endpoint, transformer: superjson, headers, maxItems: 20 }),
      }),
    ],
  });
}

export type Client = ReturnType<typeof createClient>;
