/**
 * superjson's serialization of a value that is already plain JSON is `{ json: value }`, nothing
 * else: no `meta` (no Dates, undefined, BigInts, Maps, Sets, NaN, ±Infinity or -0, class instances),
 * no referential-equality annotations (no object reached twice), no prototype-pollution keys (which
 * superjson refuses). Walking the value once to check that is a fraction of superjson's walker,
 * which builds a path array and an annotation tree per node. Anything else — or any doubt — goes
 * to superjson itself. tests/foundation/trpc-fast-path-differential.test.ts checks the bytes
 * against superjson's on random values.
 */
export function plainJsonOrUndefined(value: unknown): { json: unknown } | undefined {
  return isPlain(value, new Set()) ? { json: value } : undefined;
}

const REFUSED_KEYS = new Set(["__proto__", "constructor", "prototype"]);

function isPlain(value: unknown, seen: Set<object>): boolean {
  switch (typeof value) {
    case "string":
    case "boolean":
      return true;
    case "number":
      // superjson annotates NaN, ±Infinity and -0.
      return Number.isFinite(value) && !Object.is(value, -0);
    case "object": {
      if (value === null) return true;
      if (seen.has(value)) return false;
      seen.add(value);
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          if (!(i in value) || !isPlain(value[i], seen)) return false;
        }
        return true;
      }
      const proto = Object.getPrototypeOf(value) as unknown;
      if ((proto !== Object.prototype && proto !== null) || value === Object.prototype) return false;
      for (const key in value) {
        if (!Object.hasOwn(value, key) || REFUSED_KEYS.has(key)) return false;
        if (!isPlain((value as Record<string, unknown>)[key], seen)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}
