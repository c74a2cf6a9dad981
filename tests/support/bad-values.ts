import fc from "fast-check";

/**
 * Schema-derived bad values for the "every route, bad input" test: for one JSON Schema (as
 * /openapi.json prints a parameter or body field), values of the wrong type, just past each
 * boundary, overflowing, huge, with NUL and control characters and lone surrogates, plus random
 * ones drawn by fast-check from the seed. And one valid value, for the fields not under test.
 */
export interface JsonSchema {
  type?: string | string[];
  anyOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  default?: unknown;
}

/** Text put into a JSON body as is: numbers JSON.stringify cannot write (1e400, -0, 30 digits). */
export class RawJson {
  constructor(readonly text: string) {}
}

export interface BadValue {
  label: string;
  value: unknown;
}

/** The size of "huge" strings: far past any documented field, well under the smallest body limit's concern. */
const HUGE = 100_000;
/** Past this, an overflow-by-one value is itself an oversized body (uploads): the body cases cover it. */
const LARGEST_OVERFLOW = 1_000_000;

export function typesOf(schema: JsonSchema): Set<string> {
  const types = new Set<string>();
  const visit = (s: JsonSchema) => {
    if (typeof s.type === "string") types.add(s.type);
    if (Array.isArray(s.type)) s.type.forEach((t) => types.add(t));
    if (s.enum) s.enum.forEach((v) => types.add(v === null ? "null" : typeof v));
    if (s.const !== undefined) types.add(s.const === null ? "null" : typeof s.const);
    s.anyOf?.forEach(visit);
  };
  visit(schema);
  if (types.has("integer")) types.add("number");
  return types;
}

const variants = (schema: JsonSchema): JsonSchema[] => (schema.anyOf ? schema.anyOf.flatMap(variants) : [schema]);

/** A value the schema accepts (as far as a sample can tell), drawn from the seed. */
export function validSample(schema: JsonSchema, seed: number): unknown {
  const first = variants(schema).find((s) => s.type !== "null") ?? schema;
  if (first.default !== undefined) return first.default;
  if (first.enum?.length) return first.enum[0];
  if (first.const !== undefined) return first.const;
  const type = typesOf(first);
  if (type.has("string")) {
    if (first.pattern) return fc.sample(fc.stringMatching(new RegExp(first.pattern), { maxLength: first.maxLength }), { seed, numRuns: 1 })[0];
    if (first.format === "email") return "fuzz@example.test";
    return "v".repeat(Math.max(first.minLength ?? 1, 1));
  }
  if (type.has("integer") || type.has("number")) return first.minimum ?? 1;
  if (type.has("boolean")) return true;
  if (type.has("array")) return [];
  if (type.has("object")) return {};
  return null;
}

const WRONG_TYPES: Array<[string, unknown]> = [
  ["null", null],
  ["boolean", true],
  ["number", 12345],
  ["string", "not-the-type"],
  ["array", ["a", 1]],
  ["object", { nested: { deeper: true } }],
];

/** Every hand-picked bad value for a schema, then `randomRuns` drawn by fast-check from `seed`. */
export function badValues(schema: JsonSchema, seed: number, randomRuns: number): BadValue[] {
  const types = typesOf(schema);
  const values: BadValue[] = [];
  for (const [type, value] of WRONG_TYPES) if (!types.has(type)) values.push({ label: `wrong type ${type}`, value });
  for (const s of variants(schema)) {
    const own = typesOf(s);
    if (own.has("string")) values.push(...badStrings(s, seed));
    if (own.has("number")) values.push(...badNumbers(s, own.has("integer")));
    if (s.enum) values.push({ label: "not in enum", value: "not-a-member" });
    if (own.has("array")) values.push({ label: "10k-item array", value: Array.from({ length: 10_000 }, () => "x") });
  }
  const unique = values.filter((v, i) => values.findIndex((w) => w.label === v.label) === i);
  unique.push(...fc.sample(randomBadValue(schema), { seed, numRuns: randomRuns }).map((value) => ({ label: "random (fast-check)", value })));
  return unique;
}

/** Sent for every string field. */
const STRINGS_ALWAYS: BadValue[] = [
  { label: "NUL", value: "a\u0000b" },
  { label: "control characters", value: "\u0001\u0007\u0008\u001b[31m\u007f\u009f" },
  { label: "lone surrogate", value: "\ud800x\udfff" },
  { label: "huge", value: "h".repeat(HUGE) },
  { label: "empty", value: "" },
];
/**
 * Most of these are valid strings, so they reach the handler (a password hash, a database
 * write): each field gets `STRINGS_SAMPLED_PER_FIELD` of them, chosen by the seed.
 */
const STRINGS_SAMPLED: BadValue[] = [
  { label: "CR LF", value: "line\r\nSet-Cookie: injected=1" },
  { label: "bidi override", value: "\u202egnp.exe" },
  { label: "huge emoji", value: "💥".repeat(HUGE / 4) },
  { label: "SQL", value: "' OR 1=1; DROP TABLE users; --" },
  { label: "path traversal", value: "../../../../etc/passwd" },
  { label: "percent-encoded NUL", value: "%00" },
  { label: "whitespace", value: " \t " },
  { label: "zero-width and BOM", value: "\u200b\ufeffx\u2028" },
];
const STRINGS_SAMPLED_PER_FIELD = 2;

function badStrings(s: JsonSchema, seed: number): BadValue[] {
  const sampled = fc.sample(fc.shuffledSubarray(STRINGS_SAMPLED, { minLength: STRINGS_SAMPLED_PER_FIELD, maxLength: STRINGS_SAMPLED_PER_FIELD }), { seed, numRuns: 1 })[0] ?? [];
  const values: BadValue[] = [...STRINGS_ALWAYS, ...sampled];
  if (s.maxLength !== undefined && s.maxLength < LARGEST_OVERFLOW) values.push({ label: "maxLength + 1", value: "m".repeat(s.maxLength + 1) });
  if (s.minLength !== undefined && s.minLength > 1) values.push({ label: "minLength - 1", value: "m".repeat(s.minLength - 1) });
  return values;
}

function badNumbers(s: JsonSchema, integer: boolean): BadValue[] {
  const values: BadValue[] = [
    { label: "2^53 + 2", value: 2 ** 53 + 2 },
    { label: "-(2^53 + 2)", value: -(2 ** 53 + 2) },
    { label: "1e308", value: 1e308 },
    { label: "1e400 (Infinity)", value: new RawJson("1e400") },
    { label: "-1e400", value: new RawJson("-1e400") },
    { label: "-0", value: new RawJson("-0") },
    { label: "30 digits", value: new RawJson("123456789012345678901234567890") },
    { label: "2^31", value: 2 ** 31 },
    { label: "2^63", value: new RawJson("9223372036854775808") },
    { label: "numeric string", value: "12" },
  ];
  if (integer) values.push({ label: "fraction", value: 1.5 });
  if (s.minimum !== undefined) values.push({ label: "minimum - 1", value: s.minimum - 1 });
  if (s.maximum !== undefined) values.push({ label: "maximum + 1", value: s.maximum + 1 });
  return values;
}

/** Random values: any JSON for a field, with strings of any code unit (control characters, surrogates). */
function randomBadValue(schema: JsonSchema): fc.Arbitrary<unknown> {
  const anyString = fc.string({ unit: "binary", maxLength: 300 });
  const types = typesOf(schema);
  const arbitraries: fc.Arbitrary<unknown>[] = [fc.jsonValue({ maxDepth: 3 }), anyString];
  if (types.has("number")) arbitraries.push(fc.double(), fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }));
  return fc.oneof(...arbitraries);
}

/** One JSON object, with RawJson values written as they are. */
export function jsonText(object: Record<string, unknown>): string {
  const entries = Object.entries(object).map(([key, value]) => `${JSON.stringify(key)}:${value instanceof RawJson ? value.text : JSON.stringify(value)}`);
  return `{${entries.join(",")}}`;
}

/** A value as a path or query parameter's text. */
export function paramText(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  return typeof value === "string" ? value : JSON.stringify(value);
}
