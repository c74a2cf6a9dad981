import { RedisClient, type RedisOptions } from "bun";

/**
 * Options for command connections. Bun retries a lost connection `maxRetries` times (commands wait
 * meanwhile); a small number keeps callers from hanging for long during an outage.
 */
const COMMAND_OPTIONS: RedisOptions = { connectionTimeout: 2_000, maxRetries: 5 };

/**
 * A Redis connection for ordinary commands that heals after an outage. Bun's client stops
 * reconnecting for good once it has used up its retries, so the next command after that calls
 * `connect()` again. Shared by the events bus and the rate limiter.
 */
export class CommandConnection {
  private readonly client: RedisClient;
  private broken = false;
  private closed = false;

  constructor(url: string) {
    this.client = new RedisClient(url, COMMAND_OPTIONS);
    this.client.onclose = () => {
      this.broken = true;
    };
  }

  async get(): Promise<RedisClient> {
    if (this.closed) throw new Error("redis connection is closed");
    if (this.broken) {
      this.broken = false;
      try {
        await this.client.connect();
      } catch (error) {
        this.broken = true;
        throw error;
      }
    }
    return this.client;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.client.close();
  }
}

/** `host:port` of a Redis URL, for logs (never the password). */
export function redisHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "(invalid url)";
  }
}
