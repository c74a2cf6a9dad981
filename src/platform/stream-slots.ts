import { AppError } from "./errors.ts";

/**
 * Concurrent long-lived streams per key (a user's open SSE streams), counted in this process.
 * `acquire` refuses with 429 beyond the limit; the release it returns is idempotent, so a stream
 * can release from every way it may end (aborted request, finished generator) without counting
 * twice.
 */
export class StreamSlots {
  private readonly open = new Map<string, number>();

  constructor(private readonly limit: number) {}

  acquire(key: string): () => void {
    const count = this.open.get(key) ?? 0;
    if (count >= this.limit) {
      throw new AppError("RATE_LIMITED", `Too many open streams: at most ${this.limit} at a time per user; close one first`, undefined, {
        "retry-after": "5",
      });
    }
    this.open.set(key, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(key) ?? 1) - 1;
      if (left > 0) this.open.set(key, left);
      else this.open.delete(key);
    };
  }

  /** Open streams of `key` (for tests and metrics). */
  count(key: string): number {
    return this.open.get(key) ?? 0;
  }
}
