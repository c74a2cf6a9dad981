import { expect } from "bun:test";
import { watchSecret } from "./secret-watch.ts";

/**
 * Bookkeeping for "a secret appears only where it was issued" tests: every response body a test
 * file receives, and every secret (token, key, invite code) with the one response that issued it.
 * The last test of the file then calls `expectNoLeaks`: each secret may appear in its issuing
 * response only, and its SHA-256 (what the platform stores at rest) may appear nowhere at all.
 */

/** Hex SHA-256, computed here rather than with the platform's own helper, so a test checks it. */
export const sha256 = (value: string): string => new Bun.CryptoHasher("sha256").update(value).digest("hex");

/** A response read through the ledger: `index` is its place in `ledger.responses`. */
export interface Reply<T> {
  status: number;
  headers: Headers;
  body: T;
  index: number;
}

export interface IssuedSecret {
  value: string;
  issuedIn: number;
}

export interface LeakSources {
  /** Log lines (`t.logs`): neither a secret nor its hash may be in any of them. */
  logs: readonly string[];
  /** More text that may hold neither a secret nor its hash, e.g. the audit rows as JSON. */
  extra?: readonly string[];
}

export interface SecretLedger {
  /** Every response body recorded so far, in order. */
  readonly responses: readonly string[];
  /** Every secret recorded so far, with the index of the response that issued it. */
  readonly secrets: readonly IssuedSecret[];
  /** Records a response body; returns its index. */
  record(text: string): number;
  /** Reads a response's body (JSON, or null when empty), records it, and returns it with its index. */
  receive<T = Record<string, unknown>>(response: Response | Promise<Response>): Promise<Reply<T>>;
  /** Notes secrets issued by the response at `index`: the only place they may appear. */
  issued(index: number, ...values: string[]): void;
  /** Asserts that no secret appears outside its issuing response, and no hash of one anywhere. */
  expectNoLeaks(sources: LeakSources): void;
}

export function createSecretLedger(): SecretLedger {
  const responses: string[] = [];
  const secrets: IssuedSecret[] = [];

  function record(text: string): number {
    responses.push(text);
    return responses.length - 1;
  }

  return {
    responses,
    secrets,
    record,
    async receive<T = Record<string, unknown>>(response: Response | Promise<Response>): Promise<Reply<T>> {
      const res = await response;
      const text = await res.text();
      const index = record(text);
      return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : null) as T, index };
    },
    issued(index, ...values) {
      for (const value of values) {
        secrets.push({ value, issuedIn: index });
        watchSecret(value, { issuedByResponse: true });
      }
    },
    expectNoLeaks({ logs, extra = [] }) {
      // `index` is a response's own place in the ledger; log lines and extra text issue nothing.
      const places = [
        ...responses.map((text, i) => ({ where: `response ${i}`, text, index: i })),
        ...logs.map((text, i) => ({ where: `log line ${i}`, text, index: -1 })),
        ...extra.map((text, i) => ({ where: `extra source ${i}`, text, index: -1 })),
      ];
      const leaks: string[] = [];
      secrets.forEach(({ value, issuedIn }, n) => {
        const hash = sha256(value);
        const name = `secret #${n} (${value.slice(0, 12)}…, issued in response ${issuedIn})`;
        for (const { where, text, index } of places) {
          if (index !== issuedIn && text.includes(value)) leaks.push(`${name} in ${where}`);
          if (text.includes(hash)) leaks.push(`hash of ${name} in ${where}`);
        }
      });
      expect(leaks).toEqual([]);
    },
  };
}
