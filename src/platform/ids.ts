import { z } from "zod";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/** 62 * 4: bytes at or above it are dropped so every character is equally likely. */
const UNBIASED_LIMIT = 248;
const DEFAULT_LENGTH = 20;

/**
 * Every prefix an id may carry, one per kind of thing, so two domains cannot pick the same one.
 * A new aggregate adds its row here; the keys are the names code uses (`ID_PREFIX.session`).
 */
export const ID_PREFIX = {
  user: "usr",
  apiKey: "key",
  refreshToken: "rt",
  invite: "inv",
  audit: "aud",
  session: "ses",
  skill: "skl",
  skillVersion: "skv",
  evalRun: "run",
  queueJob: "job",
  queueWorker: "wrk",
  // The market, workspaces and compute; the rows of products still to land are reserved here too.
  marketJob: "mjb",
  jobAttempt: "jat",
  agent: "agt",
  wallet: "wal",
  transfer: "tfr",
  withdrawal: "wdr",
  workspace: "ws",
  sandbox: "sbx",
  vm: "vm",
  idempotencyKey: "idk",
} as const;

export type IdPrefix = (typeof ID_PREFIX)[keyof typeof ID_PREFIX];

/**
 * A prefixed random id, `job_4fZq…`: 20 base62 characters from the CSPRNG (~119 bits), so ids
 * can be made anywhere without coordination and say what they name in logs and URLs. Pass a
 * prefix from ID_PREFIX (a bare string is accepted for tests and scratch names).
 */
export function newId(prefix: string, length = DEFAULT_LENGTH): string {
  let out = "";
  while (out.length < length) {
    for (const byte of crypto.getRandomValues(new Uint8Array(length + 8))) {
      if (byte >= UNBIASED_LIMIT) continue;
      out += ALPHABET.charAt(byte % 62);
      if (out.length === length) break;
    }
  }
  return `${prefix}_${out}`;
}

/** Whether `value` has the shape newId(prefix) makes. */
export function isId(prefix: IdPrefix, value: string): boolean {
  return idPattern(prefix).test(value);
}

const patterns = new Map<string, RegExp>();
function idPattern(prefix: string): RegExp {
  let pattern = patterns.get(prefix);
  if (!pattern) {
    pattern = new RegExp(`^${prefix}_[0-9A-Za-z]{${DEFAULT_LENGTH}}$`);
    patterns.set(prefix, pattern);
  }
  return pattern;
}

/**
 * An id of one kind in an input schema: `ZId(ID_PREFIX.session)`. A malformed id fails validation
 * (400, or 422 on hosting) before any query runs, instead of being looked up and reported missing.
 */
export function ZId(prefix: IdPrefix) {
  return z.string().regex(idPattern(prefix), `must be an id like ${prefix}_…`);
}
