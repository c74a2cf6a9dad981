import type { Surface } from "../../src/trpc/meta.ts";
import { badValues, jsonText, paramText, RawJson, validSample, type JsonSchema } from "./bad-values.ts";
import { envelopeProblem } from "./error-envelope.ts";
import type { TestPlatform } from "./harness.ts";
import { freshIp } from "./identity-helpers.ts";

/**
 * "Every route, bad input": every operation of /openapi.json gets, per parameter and body field,
 * the schema-derived bad values of bad-values.ts, and per body the malformed ones (broken JSON,
 * wrong roots, wrong content types, invalid UTF-8, deep nesting, an oversized body), from each
 * principal given. A case fails when the answer is a 5xx the operation does not document (a 500
 * never counts as documented), no answer comes, or an error is not the surface's envelope. A
 * documented 503 ("not configured", "no capacity") is a refusal the product chose, not a crash.
 */

interface Parameter {
  name: string;
  in: "path" | "query";
  required?: boolean;
  schema: JsonSchema;
}

export interface Operation {
  method: string;
  /** OpenAPI template: `/api/sessions/{id}`. */
  path: string;
  surface: Surface;
  parameters: Parameter[];
  body?: JsonSchema;
  streams: boolean;
  /** 5xx statuses the operation documents, besides the generic 500. */
  documented5xx: Set<number>;
}

interface OpenApiOperation {
  tags: string[];
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, { content?: Record<string, unknown> }>;
}

export function operationsOf(document: { paths: Record<string, Record<string, OpenApiOperation>> }): Operation[] {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const streams = Object.values(operation.responses).some((r) => r.content?.["text/event-stream"]);
      operations.push({
        method: method.toUpperCase(),
        path,
        surface: operation.tags[0] as Surface,
        parameters: operation.parameters ?? [],
        body: operation.requestBody?.content["application/json"]?.schema,
        streams,
        documented5xx: new Set(Object.keys(operation.responses).map(Number).filter((status) => status > 500)),
      });
    }
  }
  // DELETE last: a case that deletes the caller's own resource would spoil the others' on it.
  return operations.sort((a, b) => Number(a.method === "DELETE") - Number(b.method === "DELETE"));
}

/** One request to send: parameters and body as text, so that anything can be in them. */
interface Case {
  label: string;
  path: Record<string, string>;
  /** Raw query string (after `?`), already encoded. */
  query: string;
  body?: BodyInit;
  contentType?: string;
}

export interface Principal {
  name: string;
  headers: Record<string, string>;
}

export interface BadInputOptions {
  seed: number;
  /** fast-check draws per field. */
  randomRuns: number;
  principals: Principal[];
  /** A real value for a path parameter (the caller's own session), so cases get past "not found". */
  pathValue?: (operation: Operation, name: string) => string | undefined;
  /** Requests in flight at once. */
  concurrency?: number;
}

export interface BadInputReport {
  requests: number;
  failures: string[];
  /** How many answers had each status: a run where everything is 401 or 404 tested little. */
  statuses: Record<number, number>;
}

const OVERSIZED_BYTES = 2 * 1024 * 1024 + 1;
const NESTING = 20_000;
const RAW_PERCENT = ["%00", "%ff%fe", "%zz", "%", "%2e%2e%2f%2e%2e%2f", "%0d%0aX-Injected:%201"];
const ANSWER_WITHIN_MS = 15_000;

export async function runBadInput(t: TestPlatform, operations: Operation[], options: BadInputOptions): Promise<BadInputReport> {
  const statuses: Record<number, number> = {};
  const jobs: Array<() => Promise<string | null>> = [];
  for (const operation of operations) {
    for (const c of casesOf(operation, options)) {
      for (const principal of options.principals) jobs.push(() => send(t, operation, c, principal, statuses));
    }
  }
  const failures: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const failure = await (jobs[next++] as () => Promise<string | null>)();
      if (failure) failures.push(failure);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker));
  return { requests: jobs.length, failures, statuses };
}

function casesOf(operation: Operation, options: BadInputOptions): Case[] {
  const seedFor = (field: string) => options.seed ^ hash(`${operation.method} ${operation.path} ${field}`);
  const pathParams = operation.parameters.filter((p) => p.in === "path");
  const queryParams = operation.parameters.filter((p) => p.in === "query");
  const validPath = Object.fromEntries(
    pathParams.map((p) => [p.name, percentEncode(options.pathValue?.(operation, p.name) ?? paramText(validSample(p.schema, seedFor(p.name))))]),
  );
  const validQuery = Object.fromEntries(queryParams.filter((p) => p.required).map((p) => [p.name, validSample(p.schema, seedFor(p.name))]));
  const validBody = bodyFields(operation.body, seedFor);
  const takesBody = operation.body !== undefined;
  const base = (label: string, patch: Partial<Case> = {}): Case => ({
    label,
    path: validPath,
    query: queryText(validQuery),
    ...(takesBody ? { body: jsonText(validBody), contentType: "application/json" } : {}),
    ...patch,
  });

  const cases: Case[] = [base("valid-looking input")];
  for (const p of pathParams) {
    const values = badValues(p.schema, seedFor(p.name), options.randomRuns).map((v) => ({ label: v.label, text: percentEncode(paramText(withinUrlLimit(v.value))) }));
    values.push(...RAW_PERCENT.map((raw) => ({ label: `raw ${raw}`, text: raw })));
    for (const v of values) cases.push(base(`path ${p.name}: ${v.label}`, { path: { ...validPath, [p.name]: v.text } }));
  }
  for (const p of queryParams) {
    for (const v of badValues(p.schema, seedFor(p.name), options.randomRuns)) {
      cases.push(base(`query ${p.name}: ${v.label}`, { query: queryText({ ...validQuery, [p.name]: withinUrlLimit(v.value) }) }));
    }
    for (const raw of RAW_PERCENT) cases.push(base(`query ${p.name}: raw ${raw}`, { query: `${queryText(validQuery)}&${p.name}=${raw}` }));
    cases.push(base(`query ${p.name}: repeated`, { query: `${queryText(validQuery)}&${p.name}=a&${p.name}=b` }));
    if (p.required) {
      const { [p.name]: _missing, ...rest } = validQuery;
      cases.push(base(`query ${p.name}: missing`, { query: queryText(rest) }));
    }
  }
  cases.push(base("unknown query parameter", { query: `${queryText(validQuery)}&zz_unknown=1` }));
  if (operation.body) {
    const required = new Set(operation.body.required ?? []);
    for (const [name, schema] of Object.entries(operation.body.properties ?? {})) {
      for (const v of badValues(schema, seedFor(name), options.randomRuns)) {
        cases.push(base(`body ${name}: ${v.label}`, { body: jsonText({ ...validBody, [name]: v.value }) }));
      }
      if (required.has(name)) {
        const { [name]: _missing, ...rest } = validBody;
        cases.push(base(`body ${name}: missing`, { body: jsonText(rest) }));
      }
    }
    cases.push(...bodyCases(base, validBody));
  }
  return cases;
}

/** Cases about the body as a whole: its JSON, its type, its encoding, its size. */
function bodyCases(base: (label: string, patch?: Partial<Case>) => Case, validBody: Record<string, unknown>): Case[] {
  const valid = jsonText(validBody);
  const firstField = Object.keys(validBody)[0] ?? "field";
  const invalidUtf8 = new Uint8Array([...new TextEncoder().encode(`{"${firstField}":"`), 0xff, 0xfe, 0xc3, 0x28, ...new TextEncoder().encode(`"}`)]);
  return [
    base("body: extra field", { body: jsonText({ ...validBody, zz_unknown: { a: 1 } }) }),
    base("body: __proto__", { body: jsonText({ ...validBody, __proto__: new RawJson('{"polluted":true,"role":"admin"}') }) }),
    base("body: constructor", { body: jsonText({ ...validBody, constructor: { prototype: { polluted: true } } }) }),
    base("body: malformed JSON", { body: '{"a":' }),
    base("body: trailing garbage", { body: `${valid} trailing` }),
    base("body: JSON array", { body: "[]" }),
    base("body: JSON null", { body: "null" }),
    base("body: JSON string", { body: '"text"' }),
    base("body: JSON number", { body: "42" }),
    base("body: empty", { body: "" }),
    base("body: deeply nested arrays", { body: `${"[".repeat(NESTING)}${"]".repeat(NESTING)}` }),
    base("body: deeply nested objects", { body: `${'{"a":'.repeat(NESTING)}1${"}".repeat(NESTING)}` }),
    base("body: invalid UTF-8", { body: invalidUtf8 }),
    base("body: NUL byte outside strings", { body: `\u0000${valid}` }),
    base("body: as text/plain", { contentType: "text/plain" }),
    base("body: as form", { contentType: "application/x-www-form-urlencoded", body: "a=1&b=%00" }),
    base("body: as XML", { contentType: "application/xml", body: "<a>1</a>" }),
    base("body: no content type", { contentType: undefined }),
    base("body: content type with a bad charset", { contentType: "application/json; charset=utf-7" }),
    base("body: oversized", { body: jsonText({ ...validBody, [firstField]: "o".repeat(OVERSIZED_BYTES) }) }),
  ];
}

function bodyFields(schema: JsonSchema | undefined, seedFor: (field: string) => number): Record<string, unknown> {
  const required = new Set(schema?.required ?? []);
  return Object.fromEntries(
    Object.entries(schema?.properties ?? {})
      .filter(([name]) => required.has(name))
      .map(([name, s]) => [name, validSample(s, seedFor(name))]),
  );
}

/**
 * Bun answers a request line and headers over 16 KiB itself, with a bare 431 before any of the
 * platform's code runs (tests/security/http-protocol.test.ts checks that edge once). Values carried
 * in the URL are cut so their encoded form stays under it and the platform's own answer is tested.
 */
const URL_VALUE_LIMIT = 12_000;

function withinUrlLimit(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const encoded = percentEncode(value).length;
  if (encoded <= URL_VALUE_LIMIT) return value;
  // Whole code points only, so a cut emoji does not turn into a lone surrogate.
  return Array.from(value).slice(0, Math.floor((Array.from(value).length * URL_VALUE_LIMIT) / encoded)).join("");
}

function queryText(values: Record<string, unknown>): string {
  return Object.entries(values)
    .map(([name, value]) => `${percentEncode(name)}=${percentEncode(paramText(value))}`)
    .join("&");
}

async function send(t: TestPlatform, operation: Operation, c: Case, principal: Principal, statuses: Record<number, number>): Promise<string | null> {
  const path = operation.path.replace(/\{(\w+)\}/g, (_, name: string) => c.path[name] ?? "x");
  const url = c.query ? `${path}?${c.query}` : path;
  const headers: Record<string, string> = { ...principal.headers, "x-forwarded-for": freshIp("198.19") };
  if (c.contentType) headers["content-type"] = c.contentType;
  const what = `${operation.method} ${operation.path} [${c.label}] as ${principal.name}`;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), ANSWER_WITHIN_MS);
  try {
    const response = await t.request(url, { method: operation.method, headers, body: c.body, signal: controller.signal });
    statuses[response.status] = (statuses[response.status] ?? 0) + 1;
    if (operation.streams && response.headers.get("content-type")?.startsWith("text/event-stream")) {
      controller.abort();
      return null;
    }
    const text = await response.text();
    if (response.status >= 500 && !operation.documented5xx.has(response.status)) return `${what}: ${response.status} ${text.slice(0, 160)}`;
    if (response.status < 400) return null;
    const problem = envelopeProblem(operation.surface, text);
    return problem ? `${what}: ${response.status} not the ${operation.surface} envelope (${problem}): ${text.slice(0, 120)}` : null;
  } catch (error) {
    return `${what}: no answer (${error instanceof Error ? error.message : String(error)})`;
  } finally {
    clearTimeout(timer);
  }
}

/** encodeURIComponent, except that a lone surrogate goes as UTF-8 of U+FFFD instead of throwing. */
function percentEncode(text: string): string {
  let out = "";
  for (const byte of new TextEncoder().encode(text)) {
    const char = String.fromCharCode(byte);
    out += /[A-Za-z0-9\-_.~]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}

function hash(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** The seed: fixed in CI, else BAD_INPUT_SEED or a random one (printed, so a failure can be replayed). */
export function badInputSeed(): number {
  const given = process.env.BAD_INPUT_SEED;
  if (given) return Number(given);
  if (process.env.CI === "true") return 20_261_202;
  const seed = crypto.getRandomValues(new Uint32Array(1))[0] as number;
  console.log(`bad-input seed ${seed} (BAD_INPUT_SEED=${seed} replays it)`);
  return seed;
}
