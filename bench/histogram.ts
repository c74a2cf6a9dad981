/** Latency histogram: 10 µs buckets up to 2 s (anything slower lands in the last bucket). */
const BUCKET_US = 10;
const BUCKETS = 200_000;

export class LatencyHistogram {
  private readonly counts = new Uint32Array(BUCKETS);
  private total = 0;
  private maxMs = 0;

  record(ms: number): void {
    const bucket = Math.min(BUCKETS - 1, Math.floor((ms * 1000) / BUCKET_US));
    this.counts[bucket] = (this.counts[bucket] ?? 0) + 1;
    this.total += 1;
    if (ms > this.maxMs) this.maxMs = ms;
  }

  get count(): number {
    return this.total;
  }

  get max(): number {
    return this.maxMs;
  }

  /** The latency (ms, upper edge of its bucket) under which `q` of the samples fall; 0 when empty. */
  quantile(q: number): number {
    if (this.total === 0) return 0;
    const target = Math.max(1, Math.ceil(this.total * q));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i] ?? 0;
      if (seen >= target) return Math.min(((i + 1) * BUCKET_US) / 1000, this.maxMs);
    }
    return this.maxMs;
  }
}
