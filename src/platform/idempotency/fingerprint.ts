import { createHash } from "node:crypto";

/**
 * SHA-256 of a request's parameters in a canonical form (object keys sorted, dates as ISO text,
 * bigints as digits), so a retry that sends the same fields in another order is the same request.
 */
export function fingerprintOf(parameters: unknown): string {
  return createHash("sha256").update(canonicalJson(parameters)).digest("hex");
}

function canonicalJson(value: unknown): string {
  if (value === undefined) return "null";
  if (value === null || typeof value === "number" || typeof value === "boolean" || typeof value === "string") return JSON.stringify(value);
  if (typeof value === "bigint") return `"${value}n"`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(String(value));
}
