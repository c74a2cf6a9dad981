import { AppError } from "./errors.ts";

export interface ClientLimits {
  /** Requests one client address may have in flight at once, streams included. */
  perIp: number;
  /** Open streams per client address. */
  streamsPerIp: number;
}

/**
 * What one client address holds in this process: requests in flight and open streams. `admit`
 * answers a release (idempotent, so every way a request can end may call it) or the 429 refusing
 * the request; nothing is counted for a refused one.
 */
export class ClientCaps {
  private readonly requests = new Map<string, number>();
  private readonly streams = new Map<string, number>();

  constructor(private readonly limits: ClientLimits) {}

  admit(ip: string, stream: boolean): (() => void) | AppError {
    if ((this.requests.get(ip) ?? 0) >= this.limits.perIp) {
      return tooMany(`Too many concurrent requests from your address: at most ${this.limits.perIp} at a time`);
    }
    if (stream && (this.streams.get(ip) ?? 0) >= this.limits.streamsPerIp) {
      return tooMany(`Too many open streams from your address: at most ${this.limits.streamsPerIp} at a time; close one first`);
    }
    increment(this.requests, ip);
    if (stream) increment(this.streams, ip);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      decrement(this.requests, ip);
      if (stream) decrement(this.streams, ip);
    };
  }
}

function tooMany(message: string): AppError {
  return new AppError("RATE_LIMITED", message, undefined, { "retry-after": "5" });
}

function increment(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

function decrement(counts: Map<string, number>, key: string): void {
  const left = (counts.get(key) ?? 1) - 1;
  if (left > 0) counts.set(key, left);
  else counts.delete(key);
}
