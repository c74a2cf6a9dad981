/**
 * The secret ledger over the whole suite: helpers that make a key, token or password record it
 * here, every test platform hands over its log lines and the bodies of the responses its
 * `request` received, and stopping a platform fails (its test file's afterAll) when a recorded
 * secret is in a log line or in a response other than the one that issued it, or its SHA-256
 * (what the platform stores at rest) is anywhere. One pass over each platform's text per secret.
 */
import { sha256 } from "./secret-ledger.ts";

interface Watched {
  value: string;
  hash: string;
  /** Issued by a response (a new key, a token pair): that first response may hold it. */
  issuedByResponse: boolean;
  seq: number;
}

let seq = 0;
const secrets: Watched[] = [];
/** Window start of each running platform: it checks every secret recorded since then. */
const running = new Map<number, number>();

/** Notes a secret a test helper made: in a database (`issuedByResponse` false) or read from the response that issued it. */
export function watchSecret(value: string, options: { issuedByResponse: boolean }): void {
  if (value.length < 8) return;
  secrets.push({ value, hash: sha256(value), issuedByResponse: options.issuedByResponse, seq: ++seq });
}

export interface SecretTap {
  /** Reads a copy of a response's body (JSON and text only: streams and binaries are skipped). */
  response(response: Response): void;
  /** Every leak among `logs` and the responses seen, as readable lines; forgets what it saw. */
  leaks(logs: readonly string[]): Promise<string[]>;
}

export function createSecretTap(): SecretTap {
  const id = ++seq;
  // Secrets made for another platform that is still running (a replica's keys) count too.
  running.set(id, Math.min(id, ...running.values()));
  const bodies: string[] = [];
  const reading = new Set<Promise<void>>();
  return {
    response(response) {
      const type = response.headers.get("content-type") ?? "";
      if (!/json|^text\/(plain|html)/.test(type)) return;
      const read = response
        .clone()
        .text()
        .then(
          (text) => void bodies.push(text),
          () => {},
        )
        .finally(() => reading.delete(read));
      reading.add(read);
    },
    async leaks(logs) {
      await Promise.allSettled([...reading]);
      const since = running.get(id) ?? id;
      running.delete(id);
      const found = findLeaks(
        secrets.filter((s) => s.seq >= since),
        logs,
        bodies,
      );
      if (running.size === 0) secrets.length = 0;
      bodies.length = 0;
      return found;
    },
  };
}

function findLeaks(watched: Watched[], logs: readonly string[], bodies: string[]): string[] {
  if (watched.length === 0) return [];
  const logText = logs.join("\n");
  // One string with every body, and where each starts, so each secret costs one scan.
  const starts: number[] = [];
  let offset = 0;
  for (const body of bodies) {
    starts.push(offset);
    offset += body.length + 1;
  }
  const responseText = bodies.join("\u0000");
  const responseAt = (index: number) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((starts[mid] as number) <= index) low = mid;
      else high = mid - 1;
    }
    return low;
  };
  const leaks: string[] = [];
  for (const { value, hash, issuedByResponse } of watched) {
    const name = `${value.slice(0, 10)}…`;
    if (logText.includes(value)) leaks.push(`secret ${name} is in a log line`);
    if (logText.includes(hash) || responseText.includes(hash)) leaks.push(`the SHA-256 of secret ${name} is in a log line or response`);
    const first = responseText.indexOf(value);
    if (first < 0) continue;
    if (!issuedByResponse) {
      leaks.push(`secret ${name}, made outside any response, is in response #${responseAt(first)}`);
      continue;
    }
    const issuing = responseAt(first);
    const end = issuing + 1 < starts.length ? (starts[issuing + 1] as number) : responseText.length;
    const again = responseText.indexOf(value, end);
    if (again >= 0) leaks.push(`secret ${name}, issued in response #${issuing}, is again in response #${responseAt(again)}`);
  }
  return leaks;
}
